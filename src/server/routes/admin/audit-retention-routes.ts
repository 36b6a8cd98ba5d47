import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  archiveListResponseSchema,
  pruneResultSchema,
  retentionPreviewSchema,
  retentionQuerySchema,
} from '../../../shared/api/audit-retention.ts';
import { idParamSchema } from '../../../shared/api/fields.ts';
import { EXPORT_MEDIA_TYPES, type ExportFormat } from '../../audit/audit-export.ts';
import {
  archiveChunks,
  archiveFileName,
  cutoffFor,
  listArchives,
  pruneArchive,
  retentionPreview,
} from '../../audit/retention.ts';
import { requireFreshSession } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import type { Services } from '../../services.ts';

/**
 * Retention: archive the records older than N days (a download, recorded with its SHA-256), then
 * prune exactly what that archive holds. The prune is the only delete of audit records anywhere, and
 * it needs a fresh sign-in (ADR 0013).
 */
export function registerAuditRetentionRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit retention'];
  const deps = { db: services.storage.db, clock: services.clock };

  app.get(
    '/api/admin/audit/retention',
    {
      schema: {
        tags,
        summary: 'How many records are older than N days (what an archive and prune would take)',
        querystring: retentionQuerySchema,
        response: { 200: retentionPreviewSchema },
      },
    },
    async (request) => retentionPreview(deps, request.query.olderThanDays),
  );

  const archiveRoute = (format: ExportFormat) =>
    app.get(
      `/api/admin/audit/archive.${format}`,
      {
        schema: {
          tags,
          summary: `Download the records older than N days as ${format === 'csv' ? 'CSV' : 'JSON Lines'}; recorded as an archive once complete`,
          querystring: retentionQuerySchema,
        },
      },
      async (request, reply) => {
        const cutoff = cutoffFor(services.clock(), request.query.olderThanDays);
        const chunks = archiveChunks(deps, { cutoff, format, context: auditContextOf(request) });
        return reply
          .header('Content-Type', EXPORT_MEDIA_TYPES[format])
          .header('Content-Disposition', `attachment; filename="${archiveFileName(cutoff, format)}"`)
          .header('Cache-Control', 'no-store')
          .send(Readable.from(chunks, { objectMode: false, highWaterMark: 64 * 1024 }));
      },
    );
  archiveRoute('jsonl');
  archiveRoute('csv');

  app.get(
    '/api/admin/audit/archives',
    { schema: { tags, summary: 'The latest archives, newest first', response: { 200: archiveListResponseSchema } } },
    async () => ({ items: await listArchives(services.storage.db) }),
  );

  app.post(
    '/api/admin/audit/archives/:id/prune',
    {
      schema: {
        tags,
        summary: 'Delete the records this archive holds (refused if they changed since, or are not yet forwarded)',
        params: idParamSchema,
        response: { 200: pruneResultSchema },
      },
    },
    async (request) => {
      requireFreshSession(request);
      const pruned = await pruneArchive(deps, request.params.id, auditContextOf(request));
      return { archiveId: request.params.id, pruned };
    },
  );
}
