// The sign-in core's pure decision, table-driven: which factor is offered first, what else may be
// used, when a user enrols, and when MFA is unavailable. No HTTP, no SQL.
import { describe, expect, it } from 'vitest';
import {
  type DecisionInput,
  decideSecondFactor,
  type HeldFactor,
  mayFailOpen,
} from '../../src/server/sign-in/decision.ts';

const duo: HeldFactor = { id: 'duo', type: 'duo', usable: true, isDefault: true, lastUsedAt: 100 };
const app: HeldFactor = { id: 'app', type: 'totp', usable: true, isDefault: false, lastUsedAt: 200 };
const codes: HeldFactor = {
  id: 'codes',
  type: 'recovery_codes',
  usable: true,
  isDefault: false,
  lastUsedAt: null,
  remaining: 3,
};
const off = { mode: 'off', allowedTypes: ['duo', 'totp'], recoveryCodes: true, enrolWith: null } as const;
const required = { ...off, mode: 'required', enrolWith: { providerId: 7, type: 'duo' } } as const;

function input(overrides: Partial<DecisionInput>): DecisionInput {
  return { user: { role: 'user', mfaSkip: false }, factors: [], policy: off, preferredFactorId: null, ...overrides };
}

describe('decideSecondFactor', () => {
  it.each<[string, Partial<DecisionInput>, ReturnType<typeof decideSecondFactor>]>([
    ['no factor, MFA off: password only', {}, { kind: 'none', reason: 'not_required' }],
    [
      'skip MFA wins over everything',
      { user: { role: 'user', mfaSkip: true }, factors: [duo], policy: required },
      { kind: 'none', reason: 'skip_mfa' },
    ],
    [
      'no factor, required: enrol with the default provider',
      { policy: required },
      { kind: 'enrol', providerId: 7, type: 'duo' },
    ],
    [
      'no factor, required, no usable default: unavailable',
      { policy: { ...required, enrolWith: null } },
      { kind: 'unavailable', reason: 'no_default_provider' },
    ],
    ['one factor, MFA off: it is used anyway', { factors: [duo] }, { kind: 'prove', primary: duo, alternatives: [] }],
    [
      'the default factor first, the others after',
      { factors: [app, duo] },
      { kind: 'prove', primary: duo, alternatives: [app] },
    ],
    [
      'the browser’s last factor before the default',
      { factors: [duo, app], preferredFactorId: 'app' },
      { kind: 'prove', primary: app, alternatives: [duo] },
    ],
    ['recovery codes always last', { factors: [codes, duo] }, { kind: 'prove', primary: duo, alternatives: [codes] }],
    [
      'a disabled provider is skipped for the next factor',
      { factors: [{ ...duo, usable: false }, app] },
      { kind: 'prove', primary: app, alternatives: [] },
    ],
    [
      'only disabled providers: unavailable, never password-only',
      { factors: [{ ...duo, usable: false }] },
      { kind: 'unavailable', reason: 'provider_disabled' },
    ],
    [
      'only disabled providers but recovery codes: the codes',
      { factors: [{ ...duo, usable: false }, codes] },
      { kind: 'prove', primary: codes, alternatives: [] },
    ],
    [
      'recovery codes alone do not count as set up',
      { factors: [codes], policy: required },
      { kind: 'enrol', providerId: 7, type: 'duo' },
    ],
    [
      'recovery codes used up are not offered',
      { factors: [duo, { ...codes, remaining: 0 }] },
      { kind: 'prove', primary: duo, alternatives: [] },
    ],
    [
      'recovery codes off in the policy are not offered',
      { factors: [duo, codes], policy: { ...off, recoveryCodes: false } },
      { kind: 'prove', primary: duo, alternatives: [] },
    ],
    [
      'required: a factor of a type not allowed does not satisfy it',
      { factors: [app], policy: { ...required, allowedTypes: ['duo'] } },
      { kind: 'enrol', providerId: 7, type: 'duo' },
    ],
    [
      'off: every type counts',
      { factors: [app], policy: { ...off, allowedTypes: ['duo'] } },
      { kind: 'prove', primary: app, alternatives: [] },
    ],
    [
      'the most recently used first among non-defaults',
      { factors: [{ ...app, id: 'old', lastUsedAt: 1 }, app] },
      { kind: 'prove', primary: app, alternatives: [{ ...app, id: 'old', lastUsedAt: 1 }] },
    ],
  ])('%s', (_label, overrides, expected) => {
    expect(decideSecondFactor(input(overrides))).toEqual(expected);
  });
});

describe('mayFailOpen', () => {
  it.each([
    [{ failMode: 'open', outage: true, role: 'user', alternatives: 0 }, true],
    [{ failMode: 'closed', outage: true, role: 'user', alternatives: 0 }, false],
    [{ failMode: 'open', outage: false, role: 'user', alternatives: 0 }, false],
    [{ failMode: 'open', outage: true, role: 'administrator', alternatives: 0 }, false],
    [{ failMode: 'open', outage: true, role: 'user', alternatives: 1 }, false],
  ] as const)('%o → %s', (facts, expected) => {
    expect(mayFailOpen(facts)).toBe(expected);
  });
});
