import type { FastifyReply, FastifyRequest } from 'fastify';
import { createRepos } from '../../db/repos/index.ts';
import { auditContextOf } from '../../http/request-context.ts';
import type { Services } from '../../services.ts';

/**
 * Sends a report as a CSV download and audits it (who exported what, with which filters, how many
 * rows) in the same way as the audit log's own export: a list of people or providers leaving the
 * portal is worth a record.
 */
export async function sendAuditedCsv(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  report: { event: 'users.exported' | 'mfa_providers.exported'; name: string; csv: string; rows: number },
): Promise<FastifyReply> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const filters = Object.fromEntries(
    Object.entries(query)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, String(value)]),
  );
  await services.storage.db
    .transaction()
    .execute((trx) =>
      createRepos(trx).audit.record(
        { type: report.event, outcome: 'success', details: { rows: report.rows, filters } },
        auditContextOf(request),
        services.clock(),
      ),
    );
  const stamp = new Date(services.clock()).toISOString().slice(0, 10);
  return reply
    .header('Content-Type', 'text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="portcullis-${report.name}-${stamp}.csv"`)
    .send(report.csv);
}
