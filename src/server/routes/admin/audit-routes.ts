import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AUDIT_COUNT_CAP,
  auditCursorText,
  auditFiltersSchema,
  auditListQuerySchema,
  auditListResponseSchema,
} from '../../../shared/api/audit.ts';
import {
  auditExport,
  EXPORT_MEDIA_TYPES,
  type ExportFormat,
  exportFileName,
  filterLabels,
} from '../../audit/audit-export.ts';
import { auditFiltersOf } from '../../audit/audit-query.ts';
import { AUDIT_EVENT_TYPES } from '../../audit/events.ts';
import { createRepos } from '../../db/repos/index.ts';
import { auditContextOf } from '../../http/request-context.ts';
import type { Services } from '../../services.ts';

/** Kept small so that a slow reader holds at most a batch or two in memory (backpressure). */
const STREAM_HIGH_WATER_MARK = 64 * 1024;

/** Read-only: no route edits or deletes audit records, and the database refuses both. */
export function registerAuditRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/admin/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Search the audit log, newest first, a page at a time (cursor paging: after / before)',
        querystring: auditListQuerySchema,
        response: { 200: auditListResponseSchema },
      },
    },
    async (request) => {
      const { after, before, pageSize, count, ...query } = request.query;
      const filters = auditFiltersOf(query);
      const audit = createRepos(services.storage.db).audit;
      const [page, matching] = await Promise.all([
        audit.page({ ...filters, after, before, limit: pageSize }),
        audit.count(filters, count === 'exact' ? undefined : AUDIT_COUNT_CAP),
      ]);
      return {
        items: page.items,
        pageSize,
        next: page.next && auditCursorText(page.next),
        previous: page.previous && auditCursorText(page.previous),
        count: matching,
        eventTypes: [...AUDIT_EVENT_TYPES],
      };
    },
  );

  const exportRoute = (format: ExportFormat) =>
    app.get(
      `/api/admin/audit/export.${format}`,
      {
        schema: {
          tags: ['audit'],
          summary: `Export the matching audit records as ${format === 'csv' ? 'CSV' : 'JSON Lines'}, streamed as they are read`,
          querystring: auditFiltersSchema,
        },
      },
      async (request, reply) => streamExport(reply, format, services, request.query, auditContextOf(request)),
    );
  exportRoute('csv');
  exportRoute('jsonl');
}

function streamExport(
  reply: FastifyReply,
  format: ExportFormat,
  services: Services,
  query: Parameters<typeof auditFiltersOf>[0],
  context: ReturnType<typeof auditContextOf>,
) {
  const chunks = auditExport(
    { db: services.storage.db, clock: services.clock },
    { filters: auditFiltersOf(query), labels: filterLabels(query), format, context },
  );
  return reply
    .header('Content-Type', EXPORT_MEDIA_TYPES[format])
    .header('Content-Disposition', `attachment; filename="${exportFileName(format, services.clock())}"`)
    .header('Cache-Control', 'no-store')
    .send(Readable.from(chunks, { objectMode: false, highWaterMark: STREAM_HIGH_WATER_MARK }));
}
