import { describe, expect, it } from 'vitest';
import { precheckVerdict } from '../../src/server/mfa/precheck.ts';
import type { PrecheckResult } from '../../src/server/mfa/provider-type.ts';

const skipped: PrecheckResult = {
  status: 'skipped',
  cause: 'unreachable:refused',
  message: 'Duo could not be reached',
};

/** ADR 0020: what the sign-in core does with each answer of a provider's pre-check. */
describe('precheckVerdict', () => {
  it.each([
    // status, enrolling, MFA required, verdict
    ['active', false, false, { go: true, audit: null }],
    ['active', true, true, { go: true, audit: null }],
    ['bypass', false, false, { go: true, audit: { outcome: 'success', reason: 'bypass' } }],
    ['not_enrolled', true, false, { go: true, audit: { outcome: 'success', reason: 'not_enrolled' } }],
    ['not_enrolled', false, true, { go: true, audit: { outcome: 'success', reason: 'not_enrolled' } }],
    ['not_enrolled', false, false, { go: false, code: 'MFA_ACCOUNT_UNKNOWN', reason: 'not_enrolled' }],
    ['locked_out', false, false, { go: false, code: 'MFA_ACCOUNT_LOCKED', reason: 'locked_out' }],
    ['locked_out', true, true, { go: false, code: 'MFA_ACCOUNT_LOCKED', reason: 'locked_out' }],
    ['disabled', false, true, { go: false, code: 'MFA_ACCOUNT_DISABLED', reason: 'disabled' }],
  ] as const)('%s (enrolling %s, MFA required %s)', (status, enrolling, mfaRequired, verdict) => {
    expect(precheckVerdict({ status }, { enrolling, mfaRequired })).toEqual(verdict);
  });

  it('a pre-check that could not run never blocks: go on, audited as skipped', () => {
    for (const enrolling of [true, false])
      for (const mfaRequired of [true, false])
        expect(precheckVerdict(skipped, { enrolling, mfaRequired })).toEqual({
          go: true,
          audit: { outcome: 'failure', reason: 'precheck_skipped' },
        });
  });
});
