import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParamSchema } from '../../../shared/api/fields.ts';
import {
  confirmAffectedBodySchema,
  createProviderBodySchema,
  dependentsResponseSchema,
  healthResultSchema,
  providerListQuerySchema,
  providerListResponseSchema,
  providerSaveResponseSchema,
  providerTypeViewSchema,
  providerViewSchema,
  updateProviderBodySchema,
} from '../../../shared/api/providers.ts';
import { requireFreshSession } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import { healthView, providersCsv } from '../../mfa/provider-views.ts';
import type { Services } from '../../services.ts';
import { sendAuditedCsv } from './csv-export.ts';

/** Settings > MFA > Providers. Changing MFA configuration is sensitive: every change needs a fresh sign-in. */
export function registerProviderRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['mfa providers'];
  const base = '/api/admin/mfa/providers';

  app.get(
    '/api/admin/mfa/provider-types',
    {
      schema: {
        tags,
        summary: 'The provider types offered on the "Select provider" screen, with their registration forms',
        response: { 200: z.object({ items: z.array(providerTypeViewSchema) }) },
      },
    },
    async () => ({ items: services.providers.types() }),
  );

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'The Providers report: filter, sort, page (30 a page)',
        querystring: providerListQuerySchema,
        response: { 200: providerListResponseSchema },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      const result = await services.providers.list(filters, { offset: (page - 1) * pageSize, limit: pageSize });
      return { ...result, page, pageSize };
    },
  );

  app.get(
    `${base}/export.csv`,
    {
      schema: {
        tags,
        summary: 'The Providers report as CSV (same filters and order; never a secret; audited)',
        querystring: providerListQuerySchema.omit({ page: true, pageSize: true }),
      },
    },
    async (request, reply) => {
      const { items } = await services.providers.list(request.query, { offset: 0, limit: 100_000 });
      return sendAuditedCsv(services, request, reply, {
        event: 'mfa_providers.exported',
        name: 'mfa-providers',
        csv: providersCsv(items),
        rows: items.length,
      });
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary:
          'Register a provider: validated, checked live against the provider, then saved with its secrets sealed',
        body: createProviderBodySchema,
        response: { 201: providerSaveResponseSchema },
      },
    },
    async (request, reply) => {
      requireFreshSession(request);
      const result = await services.providers.create(request.body, auditContextOf(request));
      return reply.status(201).send({ provider: result.provider, check: healthView(result.check) });
    },
  );

  app.get(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'One provider (secrets only as "set")',
        params: idParamSchema,
        response: { 200: providerViewSchema },
      },
    },
    async (request) => services.providers.get(request.params.id),
  );

  app.patch(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Edit, enable or disable a provider; a blank secret keeps the stored one',
        params: idParamSchema,
        body: updateProviderBodySchema,
        response: { 200: providerSaveResponseSchema },
      },
    },
    async (request) => {
      requireFreshSession(request);
      const result = await services.providers.update(request.params.id, request.body, auditContextOf(request));
      return { provider: result.provider, check: result.check ? healthView(result.check) : null };
    },
  );

  app.post(
    `${base}/:id/test`,
    {
      schema: {
        tags,
        summary: 'Test connection with the stored settings',
        params: idParamSchema,
        response: { 200: healthResultSchema },
      },
    },
    async (request) => healthView(await services.providers.test(request.params.id, auditContextOf(request))),
  );

  app.get(
    `${base}/:id/dependents`,
    {
      schema: {
        tags,
        summary: 'Users who sign in with this provider (who a disable or delete would affect)',
        params: idParamSchema,
        response: { 200: dependentsResponseSchema },
      },
    },
    async (request) => services.providers.dependents(request.params.id),
  );

  app.delete(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Delete a provider (confirm with the number of affected users when users depend on it)',
        params: idParamSchema,
        body: confirmAffectedBodySchema,
      },
    },
    async (request, reply) => {
      requireFreshSession(request);
      await services.providers.delete(request.params.id, request.body?.confirmAffectedUsers, auditContextOf(request));
      return reply.status(204).send();
    },
  );
}
