import { isIP } from 'node:net';
import { PROVIDER_TYPES } from '../mfa/registry.ts';

export type ApplicationUrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** The strictest redirect-URI limit among the provider types that send users back to us (Duo: 256). */
function strictestRedirectLimit(): { limit: number; label: string } | null {
  let strictest: { limit: number; label: string } | null = null;
  for (const type of Object.values(PROVIDER_TYPES)) {
    if (type.challenge !== 'redirect' || type.redirectUriLimit === null) continue;
    if (!strictest || type.redirectUriLimit < strictest.limit)
      strictest = { limit: type.redirectUriLimit, label: type.label };
  }
  return strictest;
}

/** The longest callback path we build: `/api/auth/mfa/<id>/callback` with a generous id. */
const LONGEST_CALLBACK_PATH = '/api/auth/mfa/999999999999/callback';

export function callbackUrl(applicationUrl: string, providerId: number): string {
  return `${applicationUrl}/api/auth/mfa/${providerId}/callback`;
}

/**
 * The Application URL: the instance's public base URL, from which every redirect URI is built (never
 * from Host or X-Forwarded-* headers). In production: https with a DNS name — not an IP address, not
 * localhost — no path, query or credentials, and short enough for every provider's redirect-URI limit.
 */
export function checkApplicationUrl(input: string, options: { production: boolean }): ApplicationUrlCheck {
  const value = input.trim().replace(/\/+$/, '');
  if (value === '')
    return {
      ok: false,
      message: 'Enter the address users reach Portcullis at, such as https://portcullis.example.com.',
    };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      ok: false,
      message: 'Enter a full address starting with https://, such as https://portcullis.example.com.',
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, message: 'The Application URL must start with https://.' };
  if (url.username || url.password)
    return { ok: false, message: 'The Application URL must not contain a user name or password.' };
  if (url.search || url.hash) return { ok: false, message: 'The Application URL must not contain "?" or "#" parts.' };
  if (url.pathname !== '/' && url.pathname !== '')
    return {
      ok: false,
      message: 'Enter the base address only, without a path: Portcullis is served from the root of its host name.',
    };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (options.production) {
    if (url.protocol !== 'https:')
      return {
        ok: false,
        message:
          'The Application URL must use https://: Duo sends users back to it, and sessions need a secure cookie.',
      };
    if (isIP(host) !== 0)
      return {
        ok: false,
        message: 'Use the DNS name of this instance, not an IP address: Duo and the certificate need a name.',
      };
    if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) {
      return {
        ok: false,
        message:
          'Use the public DNS name of this instance (such as portcullis.example.com), not localhost or a bare host name.',
      };
    }
  }
  const normalised = `${url.protocol}//${url.host}`;
  const limit = strictestRedirectLimit();
  if (limit && normalised.length + LONGEST_CALLBACK_PATH.length > limit.limit) {
    return {
      ok: false,
      message: `The Application URL is too long: ${limit.label} accepts callback addresses of at most ${limit.limit} characters.`,
    };
  }
  return { ok: true, url: normalised };
}
