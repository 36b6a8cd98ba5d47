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
import { usersCsv } from '../../accounts/users-report.ts';
import { requireFreshSession } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import type { Services } from '../../services.ts';
import { userView } from '../views.ts';
import { sendAuditedCsv } from './csv-export.ts';

type ListFilters = Omit<z.infer<typeof userListQuerySchema>, 'page' | 'pageSize'>;

/** From the query string to the account service's list query (the same for the page and the export). */
function listQuery({ q, role, disabled, mfa, sort, order }: ListFilters) {
  return {
    ...(q && { search: q }),
    ...(role && { role }),
    ...(disabled !== undefined && { disabled }),
    ...(mfa && { mfa }),
    sort,
    order,
  };
}

export function registerUserRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];

  const views = async (filters: ListFilters, page: { offset: number; limit: number }) => {
    const result = await services.accounts.listUsers({ ...listQuery(filters), ...page });
    const mfa = await services.accounts.mfaOf(result.items.map((user) => user.id));
    return { items: result.items.map((user) => userView(user, mfa.get(user.id) ?? null)), total: result.total };
  };

  app.get(
    '/api/admin/users',
    {
      schema: {
        tags,
        summary: 'List, search, filter (role, status, MFA state) and sort users',
        querystring: userListQuerySchema,
        response: { 200: userListResponseSchema },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      return { ...(await views(filters, { offset: (page - 1) * pageSize, limit: pageSize })), page, pageSize };
    },
  );

  app.get(
    '/api/admin/users/export.csv',
    {
      schema: {
        tags,
        summary: 'The Users report as CSV (same filters and order; audited)',
        querystring: userListQuerySchema.omit({ page: true, pageSize: true }),
      },
    },
    async (request, reply) => {
      const { items } = await views(request.query, { offset: 0, limit: 100_000 });
      return sendAuditedCsv(services, request, reply, {
        event: 'users.exported',
        name: 'users',
        csv: usersCsv(items),
        rows: items.length,
      });
    },
  );

  app.post(
    '/api/admin/users',
    {
      bodyLimit: 16 * 1024,
      schema: { tags, summary: 'Create a user', body: createUserBodySchema, response: { 201: userViewSchema } },
    },
    async (request, reply) => {
      // Issue 12.7: a new administrator is a new way in, made like an MFA change: from a recent sign-in.
      if (request.body.role === 'administrator') requireFreshSession(request);
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
      // "Skip MFA" changes who needs a second factor, and a role change who is an administrator (issue
      // 12.7): sensitive changes, like any MFA setting, made from a recent sign-in only.
      if (request.body.mfaSkip !== undefined || request.body.role !== undefined) requireFreshSession(request);
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
      // Issue 12.7: whoever sets someone's password can sign in as them: a recent sign-in is needed.
      requireFreshSession(request);
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
