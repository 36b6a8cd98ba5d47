import type { SessionResponse } from '../api/endpoints.ts';
import { plural } from '../lib/format.ts';
import type { EndedNotice } from './session-context.ts';

/** Why the person has to sign in again, with the limits this portal is configured with. */
export function endedMessage(notice: EndedNotice, limits: SessionResponse['sessionLimits']): string | null {
  switch (notice) {
    case 'idle':
      return `Your session ended (idle for ${plural(limits.idleMinutes, 'minute')}). Sign in again.`;
    case 'absolute':
      return `Your session ended (reached its ${plural(limits.absoluteHours, 'hour')} limit). Sign in again.`;
    case 'user_disabled':
      return 'Your session ended because your account was disabled. Ask an administrator if you need access.';
    case 'ended':
      return 'Your session has ended. Sign in again.';
    default:
      return null;
  }
}

const REASONS = ['idle', 'absolute', 'user_disabled'] as const;

/** SESSION_EXPIRED carries details.reason; anything else is "your session has ended". */
export function noticeFromReason(reason: string | undefined): EndedNotice {
  return REASONS.find((known) => known === reason) ?? 'ended';
}
