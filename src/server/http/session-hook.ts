import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/catalogue.ts';
import type { SessionService } from '../sessions/session-service.ts';
import { cookieName, cookieOptions, readCookie } from './cookies.ts';
import type { Csrf } from './csrf.ts';
import { isFormPost } from './form-post.ts';

/**
 * Resolves the session cookie once per request, then enforces the request rules that apply to every
 * route: JSON bodies only (HTML forms only where a route opts in) and CSRF on state changes.
 */
export function registerSessionHooks(app: FastifyInstance, deps: { sessions: SessionService; csrf: Csrf }): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('sessionEnded', null);

  app.addHook('onRequest', async (request, reply) => {
    // Pages and assets are the same for everyone; resolving the session there would spend (and clear)
    // an expired session before the console's /api/session call could say why it ended.
    if (!request.url.startsWith('/api/')) return;
    // Session ids are accepted from the cookie only, never from the URL or body (fixation).
    const token = readCookie(request, 'session');
    if (!token) return;
    const resolved = await deps.sessions.resolve(token);
    if (resolved.status === 'active') {
      request.auth = { token, session: resolved.session, fresh: resolved.fresh };
    } else {
      if (resolved.status === 'expired') request.sessionEnded = resolved.reason;
      reply.clearCookie(cookieName(request, 'session'), cookieOptions(request));
    }
  });

  app.addHook('preValidation', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    if (isFormPost(request) && !request.routeOptions.config.acceptsForm) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    }
    deps.csrf.verify(request);
  });
}
