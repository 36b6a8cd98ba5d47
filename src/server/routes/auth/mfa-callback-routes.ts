import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readCookie } from '../../http/cookies.ts';
import { auditContextOf } from '../../http/request-context.ts';
import { safeReturnPath } from '../../login/return-path.ts';
import type { Services } from '../../services.ts';
import { startSession } from './sign-in-steps.ts';

/** A parameter given twice is an attempt to confuse the parser (ASVS 15.3.7): no single value is trusted. */
function singleValued(query: Record<string, unknown>): Record<string, string> | null {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') return null;
    result[key] = value;
  }
  return result;
}

/**
 * Where the provider sends the browser back: `/api/auth/mfa/<providerId>/callback`, one path per
 * provider (mix-up defence, RFC 9700 §4.4). Every answer is a 303 to a clean URL so the code and state
 * leave the address bar (§4.3); the page itself loads nothing and sends no referrer (§4.2).
 */
export function registerMfaCallbackRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/auth/mfa/:providerId/callback',
    {
      schema: {
        tags: ['session'],
        summary: "The provider's redirect back after the second factor (browser only)",
        params: z.object({ providerId: z.coerce.number().int().positive() }),
        querystring: z.record(z.string(), z.union([z.string().max(4096), z.array(z.string())])),
      },
    },
    async (request, reply) => {
      const context = auditContextOf(request);
      const query = singleValued(request.query);
      const result = query
        ? await services.mfaFlow.complete(
            { providerId: request.params.providerId, query, browserBinding: readCookie(request, 'login') },
            context,
          )
        : await services.mfaFlow.rejectMalformed('duplicated_parameter', context);
      if (!result.ok) {
        const page = result.purpose === 'configure' || result.purpose === 'reauthenticate' ? '/account' : '/signin';
        return reply.redirect(`${page}?error=${result.code}`, 303);
      }
      const { transaction, user, provider, mfa } = result;
      // Configuring or re-authenticating continues the session that started it, and no other.
      if (transaction.purpose !== 'sign_in' && request.auth?.session.idHash !== transaction.sessionIdHash) {
        return reply.redirect('/account?error=MFA_FAILED', 303);
      }
      await startSession(services, request, reply, user, 'mfa', {
        purpose: transaction.purpose,
        mfa: {
          providerId: provider.id,
          providerName: provider.name,
          factor: mfa.factor,
          txid: mfa.txid,
          setUp: transaction.enrolling || transaction.purpose === 'configure',
        },
      });
      const destination =
        transaction.purpose === 'configure' ? '/account?mfa=configured' : safeReturnPath(transaction.returnPath);
      return reply.redirect(destination, 303);
    },
  );
}
