import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { factorViewSchema } from '../../../shared/api/mfa.ts';
import { resetMfaPreviewSchema } from '../../../shared/api/users.ts';
import { AppError } from '../../errors/catalogue.ts';
import { requireFreshSession } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import type { Services } from '../../services.ts';
import { factorViewOf } from '../self/mfa-routes.ts';

const params = z.object({ id: z.coerce.number().int().positive() });

/** Settings › Users › a user's methods: what they hold, and removing one (lost device). */
export function registerUserFactorRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];

  app.get(
    '/api/admin/users/:id/factors',
    {
      schema: {
        tags,
        summary: "A user's MFA methods (type, name, added, last used; never a secret)",
        params,
        response: { 200: z.object({ items: z.array(factorViewSchema) }) },
      },
    },
    async (request) => {
      await services.accounts.getUser(request.params.id);
      return { items: (await services.factors.list(request.params.id)).map(factorViewOf) };
    },
  );

  app.get(
    '/api/admin/users/:id/mfa/reset',
    {
      schema: {
        tags,
        summary:
          "What Reset MFA can do at the user's providers that hold devices (Duo's phones): remove them, or what to do there by hand",
        params,
        response: { 200: resetMfaPreviewSchema },
      },
    },
    async (request) => services.factors.resetPreview(request.params.id),
  );

  app.delete(
    '/api/admin/users/:id/factors/:factorId',
    {
      schema: {
        tags,
        summary: "Remove one of a user's methods: their sessions end (whoever holds a lost device may be signed in)",
        params: params.extend({ factorId: z.string().min(1).max(64) }),
        response: { 200: z.object({ sessionsEnded: z.number() }) },
      },
    },
    async (request) => {
      const auth = requireFreshSession(request);
      if (auth.session.userId === request.params.id) throw new AppError('CANNOT_CHANGE_OWN_ACCOUNT');
      return services.factors.remove(request.params.id, request.params.factorId, auditContextOf(request), {
        kind: 'administrator',
      });
    },
  );
}
