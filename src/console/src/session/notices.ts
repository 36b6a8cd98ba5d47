import type { EndedNotice } from './session-context.ts';

/**
 * Why the person has to sign in again. The limits are the server defaults: /api/session does not
 * report the configured ones to a signed-out browser (requested from the lead).
 */
export function endedMessage(notice: EndedNotice): string | null {
  switch (notice) {
    case 'idle':
      return 'Your session ended (idle for 30 minutes). Sign in again.';
    case 'absolute':
      return 'Your session ended (reached its 12-hour limit). Sign in again.';
    case 'user_disabled':
      return 'Your session ended because your account was disabled. Ask an administrator if you need access.';
    case 'ended':
      return 'Your session has ended. Sign in again.';
    default:
      return null;
  }
}
