/** Session limits (NIST 800-63B AAL2: re-authenticate after 30 min idle and at least every 12 h). */
export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
  /** A sensitive change needs a sign-in at most this old (ASVS 7.5.1). */
  freshMs: number;
}

export type SessionState = 'active' | 'idle_expired' | 'absolute_expired';

export function sessionState(
  session: { lastSeenAt: number; expiresAt: number },
  now: number,
  limits: SessionLimits,
): SessionState {
  if (now >= session.expiresAt) return 'absolute_expired';
  if (now - session.lastSeenAt >= limits.idleMs) return 'idle_expired';
  return 'active';
}

export function isFresh(session: { authenticatedAt: number }, now: number, limits: SessionLimits): boolean {
  return now - session.authenticatedAt < limits.freshMs;
}

/**
 * `last_seen_at` is written at most once a minute per session, so browsing is not a write per
 * request; the idle limit is therefore exact to within a minute.
 */
export const TOUCH_INTERVAL_MS = 60_000;

export function needsTouch(session: { lastSeenAt: number }, now: number): boolean {
  return now - session.lastSeenAt >= TOUCH_INTERVAL_MS;
}
