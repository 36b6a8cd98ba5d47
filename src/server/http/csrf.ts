import type { FastifyReply, FastifyRequest } from 'fastify';
import { hmac, randomToken, safeEqual } from '../crypto/tokens.ts';
import { AppError } from '../errors/catalogue.ts';
import { cookieName, cookieOptions, readCookie } from './cookies.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence in two layers (OWASP CSRF cheat sheet):
 * 1. Fetch Metadata: a state-changing request that the browser marks as coming from another site is
 *    refused outright.
 * 2. A synchroniser token derived (HMAC) from the session token, or — before sign-in — from a
 *    pre-session cookie, so the sign-in form itself is protected (login CSRF). The token travels in
 *    the `X-CSRF-Token` header (JSON) or a `_csrf` field (HTML forms).
 */
export function createCsrf(key: Buffer) {
  const tokenFor = (kind: 'session' | 'pre', secret: string) => hmac(key, `${kind}:${secret}`);

  return {
    /** The token the console must echo; creates the pre-session cookie when there is no session. */
    issue(request: FastifyRequest, reply: FastifyReply): string {
      if (request.auth) return tokenFor('session', request.auth.token);
      let pre = readCookie(request, 'pre');
      if (!pre || pre.length > 128) {
        pre = randomToken(32);
        reply.setCookie(cookieName(request, 'pre'), pre, cookieOptions(request));
        request.cookies[cookieName(request, 'pre')] = pre;
      }
      return tokenFor('pre', pre);
    },

    verify(request: FastifyRequest): void {
      if (SAFE_METHODS.has(request.method)) return;
      const site = request.headers['sec-fetch-site'];
      if (site === 'cross-site' || site === 'same-site') throw new AppError('CSRF_REJECTED');
      const body = request.body as Record<string, unknown> | undefined;
      const presented = request.headers['x-csrf-token'] ?? (typeof body?._csrf === 'string' ? body._csrf : undefined);
      if (typeof presented !== 'string' || presented.length === 0) throw new AppError('CSRF_REJECTED');
      const expected = request.auth
        ? tokenFor('session', request.auth.token)
        : (() => {
            const pre = readCookie(request, 'pre');
            return pre ? tokenFor('pre', pre) : null;
          })();
      if (!expected || !safeEqual(presented, expected)) throw new AppError('CSRF_REJECTED');
    },
  };
}

export type Csrf = ReturnType<typeof createCsrf>;
