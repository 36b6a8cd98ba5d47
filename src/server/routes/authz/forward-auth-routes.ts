import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/catalogue.ts';
import { renderDeniedPage } from '../../forward-auth/denied-page.ts';
import type { CheckResult, Denial } from '../../forward-auth/forward-auth-service.ts';
import { type OriginalRequest, readOriginalRequest, trustedProxies } from '../../forward-auth/original-request.ts';
import { proxyCookie } from '../../http/cookies.ts';
import type { Services } from '../../services.ts';

const deniedPolicies = new WeakMap<FastifyReply, string>();

/** Sends the 403 page. Its own CSP (its style by hash) replaces the console's in `deniedPageCsp`. */
export function sendDenied(reply: FastifyReply, denial: Denial, portalUrl: string | null): FastifyReply {
  const page = renderDeniedPage(denial, portalUrl);
  deniedPolicies.set(reply, page.csp);
  return reply.status(403).type('text/html; charset=utf-8').send(page.html);
}

/** A route's onSend hook runs after the app-wide one that set the console's security headers. */
export async function deniedPageCsp(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const csp = deniedPolicies.get(reply);
  if (csp) reply.header('Content-Security-Policy', csp);
  return payload;
}

/**
 * The reverse proxy's questions. `auth-request` speaks nginx's `auth_request` (200, 401 with the
 * sign-in address in Location for `error_page 401 =302`, or 403); `forward-auth` speaks Caddy's
 * `forward_auth` and Traefik's `ForwardAuth` (200, 302 to sign in, or 403 with the page). Only peers
 * in PORTCULLIS_TRUSTED_PROXIES may describe a request; the identity headers go out on every 200.
 */
export function registerForwardAuthRoutes(app: FastifyInstance, services: Services): void {
  const isTrusted = trustedProxies(services.config.trustedProxies);
  // Asked on every request of every protected page: the per-request log lines would cost more than the check.
  const options = { logLevel: 'warn' as const, schema: { tags: ['forward-auth'] } };
  // Only the answers that may carry the 403 page need its policy swapped in (a hook costs every request).
  const withPage = { ...options, onSend: deniedPageCsp };

  function originalOf(request: FastifyRequest): OriginalRequest {
    if (!isTrusted(request.socket.remoteAddress)) {
      request.log.warn(
        { peer: request.socket.remoteAddress },
        'forward-auth question from a peer not in PORTCULLIS_TRUSTED_PROXIES',
      );
      throw new AppError('FORWARD_AUTH_UNTRUSTED');
    }
    const original = readOriginalRequest(request.headers);
    if (!original) throw new AppError('FORWARD_AUTH_NO_URL');
    return original;
  }

  async function check(request: FastifyRequest): Promise<{ original: OriginalRequest; result: CheckResult }> {
    const original = originalOf(request);
    const cookie = proxyCookie(original.protocol === 'https', services.config.cookieDomain).name;
    const result = await services.forwardAuth.check({
      original,
      ip: () => request.ip,
      proxyCookie: request.cookies[cookie],
    });
    return { original, result };
  }

  const portalUrl = async () => (await services.forwardAuth.snapshot()).portalUrl;

  app.get(
    '/api/authz/auth-request',
    { ...options, schema: { ...options.schema, summary: 'nginx auth_request' } },
    async (request, reply) => {
      const { result } = await check(request);
      if (result.kind === 'allow') return reply.headers(result.headers).status(200).send();
      if (result.kind === 'deny') return reply.status(403).send();
      return reply.header('location', result.location).status(401).send();
    },
  );

  app.get(
    '/api/authz/forward-auth',
    { ...withPage, schema: { ...options.schema, summary: 'Caddy forward_auth, Traefik ForwardAuth' } },
    async (request, reply) => {
      const { result } = await check(request);
      if (result.kind === 'allow') return reply.headers(result.headers).status(200).send();
      if (result.kind === 'deny') return sendDenied(reply, result.denial, await portalUrl());
      return reply.redirect(result.location, 302);
    },
  );

  // nginx cannot pass on the body of an auth_request answer: `error_page 403` fetches the page here.
  app.get(
    '/api/authz/denied',
    { ...withPage, schema: { ...options.schema, summary: 'The 403 page, for nginx error_page 403' } },
    async (request, reply) => {
      const { original, result } = await check(request);
      // Let in meanwhile (a rule changed): back to where the person was going.
      if (result.kind !== 'deny') return reply.redirect(original.href, 303);
      return sendDenied(reply, result.denial, await portalUrl());
    },
  );

  app.get(
    '/api/authz/jwks',
    { schema: { tags: ['forward-auth'], summary: 'The public keys that verify Remote-Jwt tokens (RFC 7517)' } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return services.forwardAuth.signer.jwks();
    },
  );
}
