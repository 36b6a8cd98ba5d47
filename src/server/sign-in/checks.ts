import type { ChallengeRecord } from '../db/repos/challenges-repo.ts';
import type { FailureCode } from './outcome.ts';

/**
 * The checks made when a browser answers a challenge (a provider's callback, a typed code), as a table
 * of named checks in the order they run. A failure is audited under the check's name (the audit
 * reason), and answered with its code. Pure: the values are gathered by the core beforehand.
 */
export interface CheckFacts {
  now: number;
  /** SHA-256 of this browser's login cookie, or null when it sent none. */
  browserBinding: string | null;
  /** The challenge as found (before it is taken), or undefined when there is none. */
  challenge: ChallengeRecord | undefined;
  /** The provider named by the callback's path (callbacks only). */
  pathProviderId: number | null;
  provider: { enabled: boolean } | undefined;
  user: { disabled: boolean } | undefined;
  /** The session this request carries, for challenges that continue one (configure, re-authenticate). */
  sessionIdHash: string | null;
  maxAttempts: number;
}

export interface NamedCheck {
  name: string;
  code: FailureCode;
  passes(facts: CheckFacts): boolean;
}

const found = (facts: CheckFacts): facts is CheckFacts & { challenge: ChallengeRecord } =>
  facts.challenge !== undefined;

/**
 * Before the challenge is taken: it exists, is this browser's, is not expired or locked. A failure
 * here spends nothing, so whoever learns a victim's `state` cannot cancel the victim's sign-in.
 */
export const CHALLENGE_CHECKS: readonly NamedCheck[] = [
  { name: 'state_unknown_or_used', code: 'MFA_EXPIRED', passes: found },
  { name: 'transaction_expired', code: 'MFA_EXPIRED', passes: (f) => found(f) && f.challenge.expiresAt > f.now },
  {
    name: 'other_browser',
    code: 'MFA_FAILED',
    passes: (f) => found(f) && f.browserBinding !== null && f.challenge.browserBinding === f.browserBinding,
  },
  {
    name: 'challenge_locked',
    code: 'MFA_CODE_LOCKED',
    passes: (f) => found(f) && f.challenge.attempts < f.maxAttempts,
  },
  // RFC 9700 §4.4: the answer must arrive on the callback of the provider it was sent to (mix-up).
  {
    name: 'provider_mix_up',
    code: 'MFA_FAILED',
    passes: (f) => f.pathProviderId === null || f.challenge?.providerId === f.pathProviderId,
  },
  // A provider or a user disabled while the user was at the provider: refused (anchors 68).
  {
    name: 'provider_disabled',
    code: 'MFA_UNAVAILABLE',
    passes: (f) => f.challenge?.providerId === null || f.provider?.enabled === true,
  },
  { name: 'user_disabled', code: 'MFA_FAILED', passes: (f) => f.user !== undefined && !f.user.disabled },
  // Configuring or re-authenticating continues the session that started it, and no other.
  {
    name: 'other_session',
    code: 'MFA_FAILED',
    passes: (f) => f.challenge?.purpose === 'sign_in' || f.challenge?.sessionIdHash === f.sessionIdHash,
  },
];

/** The first check that fails, or null when all pass. */
export function firstFailing(checks: readonly NamedCheck[], facts: CheckFacts): NamedCheck | null {
  return checks.find((check) => !check.passes(facts)) ?? null;
}

/** A typed code, as people type it: "123 456", "123-456" and "123456" are the same code. */
export function normaliseCode(input: string): string {
  return input.replace(/[\s-]/g, '');
}
