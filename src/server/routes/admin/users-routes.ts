import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParamSchema } from '../../../shared/api/fields.ts';
import {
  createUserBodySchema,
  resetMfaBodySchema,
  resetMfaResponseSchema,
  resetPasswordBodySchema,
  updateUserBodySchema,
  userListQuerySchema,
  userListResponseSchema,
  userViewSchema,
} from '../../../shared/api/users.ts';
import { requireFreshSession } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import type { Services } from '../../services.ts';
import { userView } from '../views.ts';

export function registerUserRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];

  app.get(
    '/api/admin/users',
    {
      schema: {
        tags,
        summary: 'List and search users',
        querystring: userListQuerySchema,
        response: { 200: userListResponseSchema },
      },
    },
    async (request) => {
      const { q, role, disabled, page, pageSize } = request.query;
      const result = await services.accounts.listUsers({
        ...(q && { search: q }),
        ...(role && { role }),
        ...(disabled !== undefined && { disabled }),
        offset: (page - 1) * pageSize,
        limit: pageSize,
      });
      const mfa = await services.accounts.mfaOf(result.items.map((user) => user.id));
      return {
        items: result.items.map((user) => userView(user, mfa.get(user.id) ?? null)),
        total: result.total,
        page,
        pageSize,
      };
    },
  );

  app.post(
    '/api/admin/users',
    {
      bodyLimit: 16 * 1024,
      schema: { tags, summary: 'Create a user', body: createUserBodySchema, response: { 201: userViewSchema } },
    },
    async (request, reply) => {
      const user = await services.accounts.createUser(request.body, auditContextOf(request), 'console');
      return reply.status(201).send(userView(user));
    },
  );

  app.get(
    '/api/admin/users/:id',
    { schema: { tags, summary: 'One user', params: idParamSchema, response: { 200: userViewSchema } } },
    async (request) => {
      const user = await services.accounts.getUser(request.params.id);
      return userView(user, (await services.accounts.mfaOf([user.id])).get(user.id) ?? null);
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      schema: {
        tags,
        summary:
          'Change display name, email, role, "skip MFA", or disable/enable (disabling ends every session of the user)',
        params: idParamSchema,
        body: updateUserBodySchema,
        response: { 200: userViewSchema },
      },
    },
    async (request) => {
      // "Skip MFA" changes who needs a second factor: a sensitive change, like any MFA setting.
      if (request.body.mfaSkip !== undefined) requireFreshSession(request);
      const user = await services.accounts.updateUser(request.params.id, request.body, auditContextOf(request));
      return userView(user, (await services.accounts.mfaOf([user.id])).get(user.id) ?? null);
    },
  );

  app.post(
    '/api/admin/users/:id/mfa/reset',
    {
      schema: {
        tags,
        summary:
          "Clear a user's MFA (lost device): they set it up again; their sessions end. With removeDevices, providers that can (Duo with the Admin API) first remove the user's devices there, and the answer lists them",
        params: idParamSchema,
        body: resetMfaBodySchema,
        response: { 200: resetMfaResponseSchema, 204: z.null().describe('Reset; no device removal was asked for') },
      },
    },
    async (request, reply) => {
      requireFreshSession(request);
      const removeDevices = request.body?.removeDevices === true;
      const result = await services.factors.resetUser(request.params.id, auditContextOf(request), { removeDevices });
      return removeDevices ? result : reply.status(204).send(null);
    },
  );

  app.post(
    '/api/admin/users/:id/password',
    {
      bodyLimit: 16 * 1024,
      schema: {
        tags,
        summary: "Reset a user's password (ends their sessions)",
        params: idParamSchema,
        body: resetPasswordBodySchema,
      },
    },
    async (request, reply) => {
      await services.accounts.resetPassword(
        request.params.id,
        request.body.password,
        auditContextOf(request),
        'console',
      );
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/admin/users/:id/sessions/revoke',
    {
      schema: {
        tags,
        summary: "End all of a user's sessions now",
        params: idParamSchema,
        response: { 200: z.object({ sessionsEnded: z.number() }) },
      },
    },
    async (request) => ({
      sessionsEnded: await services.accounts.revokeSessions(request.params.id, auditContextOf(request)),
    }),
  );
}
