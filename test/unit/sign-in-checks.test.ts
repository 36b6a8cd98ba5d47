// The named checks a challenge answer runs before anything is spent, in their order.
import { describe, expect, it } from 'vitest';
import type { ChallengeRecord } from '../../src/server/db/repos/challenges-repo.ts';
import { normaliseRecoveryCode } from '../../src/server/mfa/factors/recovery-codes.ts';
import { CHALLENGE_CHECKS, type CheckFacts, firstFailing, normaliseCode } from '../../src/server/sign-in/checks.ts';

const challenge: ChallengeRecord = {
  id: 'c',
  lookupHash: null,
  kind: 'code',
  userId: 1,
  factorId: 'f',
  providerId: 5,
  purpose: 'sign_in',
  browserBinding: 'binding',
  sessionIdHash: null,
  returnPath: '/',
  state: {},
  passwordAt: 0,
  attempts: 0,
  ip: null,
  userAgent: null,
  createdAt: 0,
  expiresAt: 1000,
};

const facts: CheckFacts = {
  now: 500,
  browserBinding: 'binding',
  challenge,
  pathProviderId: null,
  provider: { enabled: true },
  user: { disabled: false },
  sessionIdHash: null,
  maxAttempts: 5,
};

describe('the challenge checks', () => {
  it('all pass for a live challenge of this browser', () => {
    expect(firstFailing(CHALLENGE_CHECKS, facts)).toBeNull();
  });

  it.each<[string, Partial<CheckFacts>, string]>([
    ['no challenge', { challenge: undefined }, 'state_unknown_or_used'],
    [
      'expired (even from another browser: expiry is told first)',
      { now: 1000, browserBinding: 'other' },
      'transaction_expired',
    ],
    ['another browser', { browserBinding: 'other' }, 'other_browser'],
    ['no login cookie at all', { browserBinding: null }, 'other_browser'],
    ['attempts used up', { challenge: { ...challenge, attempts: 5 } }, 'challenge_locked'],
    ['the callback of another provider (mix-up)', { pathProviderId: 6 }, 'provider_mix_up'],
    ['the provider disabled meanwhile', { provider: { enabled: false } }, 'provider_disabled'],
    ['the user disabled meanwhile', { user: { disabled: true } }, 'user_disabled'],
    [
      're-authentication answered from another session',
      { challenge: { ...challenge, purpose: 'reauthenticate', sessionIdHash: 'a' }, sessionIdHash: 'b' },
      'other_session',
    ],
  ])('%s → %s', (_label, overrides, name) => {
    expect(firstFailing(CHALLENGE_CHECKS, { ...facts, ...overrides })?.name).toBe(name);
  });

  it('recovery codes have no provider: that check passes without one', () => {
    expect(
      firstFailing(CHALLENGE_CHECKS, { ...facts, challenge: { ...challenge, providerId: null }, provider: undefined }),
    ).toBeNull();
  });
});

describe('typed codes', () => {
  it.each([
    ['123 456', '123456'],
    ['123-456', '123456'],
    [' 12 34 56 ', '123456'],
  ])('"%s" is read as %s', (typed, code) => {
    expect(normaliseCode(typed)).toBe(code);
  });

  it.each([
    ['4K7Q-2M9X-H3TP-8WCZ', '4k7q2m9xh3tp8wcz'],
    ['4k7q 2m9x h3tp 8wcz', '4k7q2m9xh3tp8wcz'],
    ['ILO0-2m9x-h3tp-8wcz', '1100' + '2m9xh3tp8wcz'],
  ])('recovery code "%s" is read as %s', (typed, code) => {
    expect(normaliseRecoveryCode(typed)).toBe(code);
  });

  it.each(['4k7q-2m9x-h3tp', '4k7q-2m9x-h3tp-8wcz-1', 'uuuu-2m9x-h3tp-8wcz', ''])(
    '"%s" is not a recovery code',
    (typed) => {
      expect(normaliseRecoveryCode(typed)).toBeNull();
    },
  );
});
