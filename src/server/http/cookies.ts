import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';

/**
 * Cookie names and attributes. Over HTTPS (directly or via a trusted proxy) cookies are `Secure` and
 * `__Host-` prefixed: no Domain, Path=/, so no sibling host can set or read them (ASVS 3.3.1, 3.3.3).
 * SameSite=Lax, not Strict: Duo's redirect back to us is a cross-site top-level GET, and a Strict
 * cookie would not be sent with it (duo_universal_php#2).
 */
export function isSecureRequest(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/**
 * session: the session token; pre: CSRF before sign-in; login: the browser binding of open challenges;
 * factor: the factor last used here; device: the device cookie (this browser signed in as this user).
 */
export type CookieBase = 'session' | 'pre' | 'login' | 'factor' | 'device';

export function cookieName(request: FastifyRequest, base: CookieBase): string {
  return isSecureRequest(request) ? `__Host-portcullis_${base}` : `portcullis_${base}`;
}

export function cookieOptions(request: FastifyRequest, maxAgeSeconds?: number): CookieSerializeOptions {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecureRequest(request),
    ...(maxAgeSeconds !== undefined && { maxAge: maxAgeSeconds }),
  };
}

export function readCookie(request: FastifyRequest, base: CookieBase): string | undefined {
  return request.cookies[cookieName(request, base)];
}

/**
 * The forward-auth cookie (ADR 0018): what the reverse proxy's check reads on the protected hosts. It
 * names the session by a signed reference, never by the session token, so a protected application
 * that sees it cannot use it on the console. With a cookie domain it is sent to every host under that
 * domain: `__Secure-` (a `__Host-` cookie cannot carry Domain); without one it stays `__Host-`, for
 * applications served on the portal's own host.
 */
export function proxyCookie(secure: boolean, domain: string | null): { name: string; options: CookieSerializeOptions } {
  const name = secure ? (domain ? '__Secure-portcullis_proxy' : '__Host-portcullis_proxy') : 'portcullis_proxy';
  return {
    name,
    options: { path: '/', httpOnly: true, sameSite: 'lax', secure, ...(domain && { domain }) },
  };
}
