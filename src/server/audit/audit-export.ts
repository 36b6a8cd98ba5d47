import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { csvRow } from '../http/csv.ts';
import { isoTime } from '../iso-time.ts';
import { createAuditLog } from './audit-log.ts';
import { type AuditFilters, type AuditPosition, type AuditRow, isPostgres, readAuditRows } from './audit-query.ts';
import type { AuditContext } from './events.ts';

export type ExportFormat = 'csv' | 'jsonl';

/**
 * Rows per read. On SQLite a read runs on the event loop (better-sqlite3 is synchronous): at 1 M
 * events 250 rows are read and formatted in about 1.5 ms (bench/README.md, "Audit at scale"), far under
 * the 20 ms any other request may wait. PostgreSQL reads off the loop: larger reads, fewer round trips.
 */
export function exportBatchRows(db: Kysely<Database>): number {
  return isPostgres(db) ? 1000 : 250;
}

/**
 * The matching rows, newest first, a batch at a time, each batch read from the position where the last
 * one ended (an index range, whatever the depth). The export is the log as of its first read: records
 * written meanwhile are newer than its start, so they are not in it. Between batches the event loop
 * serves other requests.
 */
export async function* auditBatches(
  db: Kysely<Database>,
  filters: AuditFilters,
  batchRows = exportBatchRows(db),
): AsyncGenerator<AuditRow[]> {
  let from: AuditPosition | undefined;
  for (;;) {
    const rows = await readAuditRows(db, filters, { from, direction: 'older', limit: batchRows });
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (!last || rows.length < batchRows) return;
    from = { at: last.occurred_at, id: Number(last.id) };
    await nextTurn();
  }
}

const CSV_COLUMNS = [
  'id',
  'occurred_at',
  'type',
  'outcome',
  'actor',
  'target_type',
  'target_id',
  'target',
  'ip',
  'user_agent',
  'reason',
  'request_id',
  'details',
];

/** Details are stored as the JSON they were written as: CSV carries that text as it is. */
function csvLine(row: AuditRow): string {
  return csvRow([
    row.id,
    isoTime(row.occurred_at),
    row.type,
    row.outcome,
    row.actor_username,
    row.target_type,
    row.target_id,
    row.target_label,
    row.ip,
    row.user_agent,
    row.reason,
    row.request_id,
    row.details ?? '{}',
  ]);
}

const text = (value: string | null) => (value === null ? 'null' : JSON.stringify(value));

/**
 * One record per line, the same fields in the same order as the API's audit records (JSON Lines).
 * Written field by field with the stored details spliced in as the JSON they were written as: parsing
 * and re-serialising them was a third of a 1 M-row export's CPU (bench/README.md, "Audit at scale").
 */
export function jsonLine(row: AuditRow): string {
  return `{"id":${Number(row.id)},"occurredAt":"${isoTime(row.occurred_at)}","type":${text(row.type)},"outcome":${text(row.outcome)},"actorId":${row.actor_id === null ? 'null' : Number(row.actor_id)},"actorUsername":${text(row.actor_username)},"targetType":${text(row.target_type)},"targetId":${text(row.target_id)},"targetLabel":${text(row.target_label)},"ip":${text(row.ip)},"userAgent":${text(row.user_agent)},"reason":${text(row.reason)},"requestId":${text(row.request_id)},"details":${row.details ?? '{}'}}\n`;
}

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

export function exportFileName(format: ExportFormat, now: number): string {
  return `portcullis-audit-${isoTime(now).slice(0, 10)}.${format}`;
}

/** The text of an export, a chunk per batch: a header line for CSV, then the rows. */
export async function* exportChunks(
  batches: AsyncIterable<AuditRow[]>,
  format: ExportFormat,
  onRows: (count: number) => void,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvRow(CSV_COLUMNS);
  const line = format === 'csv' ? csvLine : jsonLine;
  for await (const rows of batches) {
    let chunk = '';
    for (const row of rows) chunk += line(row);
    yield chunk;
    onRows(rows.length); // counted once the reader took the chunk
  }
}

/**
 * The export behind `GET /api/admin/audit/export.*` and `portcullis audit export`: the text as it is
 * read, then the `audit.exported` record, written before the last chunk is released. A reader who stops
 * early (closed tab, `| head`) is recorded too, with the rows sent and `completed: false`; if the record
 * cannot be written the stream fails, so the download is never seen as complete without its record.
 */
export async function* auditExport(
  deps: { db: Kysely<Database>; clock: () => number },
  input: {
    filters: AuditFilters;
    /** The filters as given (for the record), e.g. { type: 'login.*' }. */
    labels: Record<string, string>;
    format: ExportFormat;
    context: AuditContext;
    onRows?: (count: number) => void;
  },
): AsyncGenerator<string> {
  let rows = 0;
  let completed = false;
  try {
    yield* exportChunks(auditBatches(deps.db, input.filters), input.format, (count) => {
      rows += count;
      input.onRows?.(count);
    });
    completed = true;
  } finally {
    await deps.db.transaction().execute((trx) =>
      createAuditLog(trx).record(
        {
          type: 'audit.exported',
          outcome: 'success',
          details: { rows, filters: input.labels, format: input.format, completed },
        },
        input.context,
        deps.clock(),
      ),
    );
  }
}

/** The filters as given, as text, for the audit record. */
export function filterLabels(query: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, String(value)]),
  );
}
