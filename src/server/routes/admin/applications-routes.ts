import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  accessTestBodySchema,
  accessTestResultSchema,
  applicationBodySchema,
  applicationListQuerySchema,
  applicationListResponseSchema,
  applicationViewSchema,
} from '../../../shared/api/applications.ts';
import { idParamSchema } from '../../../shared/api/fields.ts';
import { applicationsCsv } from '../../applications/application-service.ts';
import { requireFreshSession } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import type { Services } from '../../services.ts';

/** Settings > Applications: the report, add/edit with rules, delete, and the rule tester. */
export function registerApplicationRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['applications'];
  const base = '/api/admin/applications';

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'The Applications report: filter, sort, page (30 a page)',
        querystring: applicationListQuerySchema,
        response: { 200: applicationListResponseSchema },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      const result = await services.applications.list({ ...filters, offset: (page - 1) * pageSize, limit: pageSize });
      return { ...result, page, pageSize };
    },
  );

  app.get(
    `${base}/export.csv`,
    {
      schema: {
        tags,
        summary: 'The Applications report as CSV (same filters and order)',
        querystring: applicationListQuerySchema.omit({ page: true, pageSize: true }),
      },
    },
    async (request, reply) => {
      const { items } = await services.applications.list({ ...request.query, offset: 0, limit: 100_000 });
      const stamp = new Date(services.clock()).toISOString().slice(0, 10);
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="portcullis-applications-${stamp}.csv"`)
        .send(applicationsCsv(items));
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Add an application',
        body: applicationBodySchema,
        response: { 201: applicationViewSchema },
      },
    },
    async (request, reply) => {
      requireFreshSession(request);
      return reply.status(201).send(await services.applications.create(request.body, auditContextOf(request)));
    },
  );

  app.post(
    '/api/admin/access/test',
    {
      schema: {
        tags,
        summary: 'The rule tester: would this person, from this address, be let in to this URL, and why?',
        body: accessTestBodySchema,
        response: { 200: accessTestResultSchema },
      },
    },
    async (request) => services.testAccess(request.body),
  );

  app.get(
    `${base}/:id`,
    { schema: { tags, summary: 'One application', params: idParamSchema, response: { 200: applicationViewSchema } } },
    async (request) => services.applications.get(request.params.id),
  );

  app.put(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Replace an application (its URLs, rules and headers as a whole)',
        params: idParamSchema,
        body: applicationBodySchema,
        response: { 200: applicationViewSchema },
      },
    },
    async (request) => {
      requireFreshSession(request);
      return services.applications.update(request.params.id, request.body, auditContextOf(request));
    },
  );

  app.delete(
    `${base}/:id`,
    { schema: { tags, summary: 'Delete an application (the proxy then refuses its URLs)', params: idParamSchema } },
    async (request, reply) => {
      requireFreshSession(request);
      await services.applications.delete(request.params.id, auditContextOf(request));
      return reply.status(204).send();
    },
  );
}
