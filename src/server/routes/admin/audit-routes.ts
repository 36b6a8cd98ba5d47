import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditListResponseSchema, auditQuerySchema } from '../../../shared/api/audit.ts';
import { auditFiltersOf, exportAuditCsv } from '../../audit/audit-export.ts';
import { AUDIT_EVENT_TYPES } from '../../audit/events.ts';
import { createRepos } from '../../db/repos/index.ts';
import { auditContextOf } from '../../http/request-context.ts';
import type { Services } from '../../services.ts';

/** Read-only: no route edits or deletes audit records, and the database refuses both. */
export function registerAuditRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/admin/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Search the audit log (newest first)',
        querystring: auditQuerySchema,
        response: { 200: auditListResponseSchema },
      },
    },
    async (request) => {
      const { page, pageSize } = request.query;
      const result = await createRepos(services.storage.db).audit.query({
        ...auditFiltersOf(request.query),
        offset: (page - 1) * pageSize,
        limit: pageSize,
      });
      return { ...result, page, pageSize, eventTypes: [...AUDIT_EVENT_TYPES] };
    },
  );

  app.get(
    '/api/admin/audit/export.csv',
    {
      schema: {
        tags: ['audit'],
        summary: 'Export the matching audit records as CSV',
        querystring: auditQuerySchema.omit({ page: true, pageSize: true }),
      },
    },
    async (request, reply) => {
      const { csv, rows } = await exportAuditCsv(services.storage.db, auditFiltersOf(request.query));
      const filters = Object.fromEntries(
        Object.entries(request.query)
          .filter(([, value]) => value !== undefined)
          .map(([key, value]) => [key, String(value)]),
      );
      await services.storage.db
        .transaction()
        .execute((trx) =>
          createRepos(trx).audit.record(
            { type: 'audit.exported', outcome: 'success', details: { rows, filters } },
            auditContextOf(request),
            services.clock(),
          ),
        );
      const stamp = new Date(services.clock()).toISOString().slice(0, 10);
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="portcullis-audit-${stamp}.csv"`)
        .send(csv);
    },
  );
}
