import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { setupBodySchema } from '../../../shared/api/session.ts';
import { userViewSchema } from '../../../shared/api/users.ts';
import { auditContextOf } from '../../http/request-context.ts';
import type { Services } from '../../services.ts';
import { userView } from '../views.ts';
import { applyOutcome, signInRequestOf } from './outcome-reply.ts';

export function registerSetupRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/setup',
    {
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['session'],
        summary: 'Create the first administrator with the one-time setup token printed at start-up',
        body: setupBodySchema,
        response: { 201: userViewSchema },
      },
    },
    async (request, reply) => {
      const { token, ...user } = request.body;
      const created = await services.accounts.completeSetup(token, user, auditContextOf(request));
      const withHash = await services.signIn.verifyPassword(
        { username: created.username, password: user.password },
        auditContextOf(request),
      );
      const outcome = await services.signIn.afterPassword(
        withHash,
        { purpose: 'sign_in', returnPath: '/' },
        signInRequestOf(request),
      );
      applyOutcome(request, reply, outcome, false);
      return reply.status(201).send(userView(created));
    },
  );
}
