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
