/**
 * Sign-in throttling (NIST 800-63B §5.2.2: at most 100 consecutive failures per account; ASVS 6.1.1:
 * no permanent lock-out by anonymous traffic). Locks are temporary and grow with each further failure.
 */
export const THROTTLE = {
  /** Counters forget an account or address after this long without failures. */
  forgetAfterMs: 60 * 60 * 1000,
  account: { freeFailures: 5, baseLockMs: 30_000, maxLockMs: 15 * 60 * 1000 },
  // Bounded: a flood from an address shared with legitimate users (a NAT, a proxy) locks them out for
  // at most 5 minutes, and the ones with a device cookie not at all.
  address: { freeFailures: 30, baseLockMs: 60_000, maxLockMs: 5 * 60 * 1000 },
  // A browser with a device cookie has a budget of its own (OWASP: lock the device, not the account).
  device: { freeFailures: 10, baseLockMs: 60_000, maxLockMs: 15 * 60 * 1000 },
} as const;

export type ThrottleScope = 'account' | 'address' | 'device';

/**
 * Push bombing (ASVS 6.6.4): at most this many trips to the MFA provider may be pending for one
 * account at a time. Each pending trip is a login transaction that lives 10 minutes, so the limit
 * needs no counter of its own (one write fewer per sign-in) and lifts as they complete or expire.
 */
export const MFA_PENDING_LIMIT = 10;

/** How long to lock after the `failures`-th consecutive failure; 0 = no lock yet. */
export function lockDurationMs(scope: ThrottleScope, failures: number): number {
  const rule = THROTTLE[scope];
  if (failures < rule.freeFailures) return 0;
  const doublings = Math.min(failures - rule.freeFailures, 20);
  return Math.min(rule.baseLockMs * 2 ** doublings, rule.maxLockMs);
}

export function throttleKey(scope: ThrottleScope, value: string): string {
  return `${scope}:${value.toLowerCase()}`;
}

/**
 * Typed codes (TOTP, recovery codes): a few tries per challenge, and a budget per user shared by every
 * node and every challenge, so restarting the sign-in does not reset it (ASVS 6.3.1; NIST 800-63B
 * §5.2.2 allows at most 100 consecutive failures).
 */
export const CODE_ATTEMPTS = {
  perChallenge: 5,
  perUser: { freeFailures: 10, lockMs: 15 * 60 * 1000, forgetAfterMs: 15 * 60 * 1000 },
} as const;

export const codeThrottleKey = (userId: number) => `mfa_code:${userId}`;
