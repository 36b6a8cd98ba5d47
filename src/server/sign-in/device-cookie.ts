import { createHmac } from 'node:crypto';
import { randomToken, safeEqual } from '../crypto/tokens.ts';

/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): after a successful
 * sign-in the browser gets a signed cookie naming the user; with it, that browser is let past the
 * address and account locks an attacker's flood causes, with a small failure budget of its own. The
 * cookie proves "this browser signed in as this user before", nothing more: the password is still
 * checked, and so is MFA.
 */
export interface DeviceCookies {
  /** A new cookie value for this user. */
  issue(username: string): string;
  /** The device's id when the value is a genuine cookie for this user, else null. */
  verify(value: string | undefined, username: string): string | null;
}

const FORMAT = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export function createDeviceCookies(key: Buffer): DeviceCookies {
  const signature = (username: string, nonce: string) =>
    createHmac('sha256', key).update(`portcullis-device:${username.toLowerCase()}:${nonce}`).digest('base64url');
  return {
    issue(username) {
      const nonce = randomToken(16);
      return `${nonce}.${signature(username, nonce)}`;
    },
    verify(value, username) {
      const parts = value ? FORMAT.exec(value) : null;
      if (!parts?.[1] || !parts[2]) return null;
      return safeEqual(parts[2], signature(username, parts[1])) ? parts[1] : null;
    },
  };
}

/** The device cookie's key, derived from the key every node shares (so any node accepts any node's cookie). */
export function deviceCookieKey(sharedKey: Buffer): Buffer {
  return createHmac('sha256', sharedKey).update('portcullis device cookies v1').digest();
}
