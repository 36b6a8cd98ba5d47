import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely, Selectable } from 'kysely';
import type { ArchiveView, RetentionPreview } from '../../shared/api/audit-retention.ts';
import type { AuditArchivesTable, Database } from '../db/schema.ts';
import { AppError } from '../errors/catalogue.ts';
import { isoTime, isoTimeOrNull } from '../iso-time.ts';
import { auditBatches, type ExportFormat, exportChunks } from './audit-export.ts';
import { createAuditLog } from './audit-log.ts';
import { countAuditRowsInSteps, isPostgres } from './audit-query.ts';
import type { AuditContext } from './events.ts';
import { createDestinationsRepo } from './forwarding/destinations-repo.ts';

const DAY_MS = 86_400_000;
/**
 * Rows per DELETE, each its own short transaction. On SQLite a delete runs on the event loop, and its
 * cost per row varies tenfold (an old row's entries in the actor and target indexes sit on pages far
 * apart: 30–200 µs a row at 1 M events), so the batch adapts to take about 10 ms. PostgreSQL deletes
 * off the loop, 1,000 rows at a time.
 */
const PRUNE_TARGET_MS = 10;

function nextBatch(rows: number, tookMs: number): number {
  if (tookMs < PRUNE_TARGET_MS / 2) return Math.min(rows * 2, 2000);
  if (tookMs > PRUNE_TARGET_MS * 1.5) return Math.max(Math.floor(rows / 2), 10);
  return rows;
}

interface Deps {
  db: Kysely<Database>;
  clock: () => number;
}

function actorLabel(context: AuditContext): string | null {
  return context.actor?.username ?? context.userAgent;
}

export function archiveView(row: Selectable<AuditArchivesTable>): ArchiveView {
  return {
    id: Number(row.id),
    cutoff: isoTime(row.cutoff),
    format: row.format,
    records: Number(row.rows),
    sha256: row.sha256,
    createdAt: isoTime(row.created_at),
    createdBy: row.created_by,
    prunedAt: isoTimeOrNull(row.pruned_at),
    prunedRecords: row.pruned_rows === null ? null : Number(row.pruned_rows),
    prunedBy: row.pruned_by,
  };
}

/** The cutoff for "older than N days": whole seconds, so the archive's name and its record agree. */
export function cutoffFor(now: number, olderThanDays: number): number {
  return Math.floor((now - olderThanDays * DAY_MS) / 1000) * 1000;
}

export async function retentionPreview(deps: Deps, olderThanDays: number): Promise<RetentionPreview> {
  const cutoff = cutoffFor(deps.clock(), olderThanDays);
  const [records, oldest, unforwarded] = await Promise.all([
    countAuditRowsInSteps(deps.db, { to: cutoff }),
    deps.db
      .selectFrom('audit_events')
      .select('occurred_at')
      .orderBy('occurred_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst(),
    createDestinationsRepo(deps.db).pendingOlderThan(cutoff),
  ]);
  return {
    olderThanDays,
    cutoff: isoTime(cutoff),
    records,
    oldest: oldest ? isoTime(oldest.occurred_at) : null,
    unforwarded,
  };
}

export async function listArchives(db: Kysely<Database>): Promise<ArchiveView[]> {
  const rows = await db.selectFrom('audit_archives').selectAll().orderBy('id', 'desc').limit(50).execute();
  return rows.map(archiveView);
}

export function archiveFileName(cutoff: number, format: ExportFormat): string {
  return `portcullis-audit-archive-before-${isoTime(cutoff).slice(0, 19).replaceAll(':', '-')}Z.${format}`;
}

/**
 * The archive: every record older than the cutoff, streamed like an export, hashed as it goes. Once
 * the last byte is out, the archive (cutoff, count, SHA-256) and its `audit.archived` record are
 * written together, before the stream ends. A reader who stops early gets no archive, and the
 * partial read is recorded as an incomplete export.
 */
export async function* archiveChunks(
  deps: Deps,
  input: { cutoff: number; format: ExportFormat; context: AuditContext; onArchived?: (archive: ArchiveView) => void },
): AsyncGenerator<string> {
  const hash = createHash('sha256');
  let rows = 0;
  let completed = false;
  try {
    for await (const chunk of exportChunks(auditBatches(deps.db, { to: input.cutoff }), input.format, (count) => {
      rows += count;
    })) {
      hash.update(chunk);
      yield chunk;
    }
    completed = true;
  } finally {
    const at = deps.clock();
    const sha256 = hash.digest('hex');
    const archive = await deps.db.transaction().execute(async (trx) => {
      const audit = createAuditLog(trx);
      if (!completed) {
        await audit.record(
          {
            type: 'audit.exported',
            outcome: 'success',
            details: {
              rows,
              filters: { to: isoTime(input.cutoff), purpose: 'archive' },
              format: input.format,
              completed,
            },
          },
          input.context,
          at,
        );
        return null;
      }
      const row = await trx
        .insertInto('audit_archives')
        .values({
          cutoff: input.cutoff,
          format: input.format,
          rows,
          sha256,
          created_at: at,
          created_by: actorLabel(input.context),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit.record(
        {
          type: 'audit.archived',
          outcome: 'success',
          target: { type: 'audit', id: Number(row.id), label: `archive ${row.id}` },
          details: { archiveId: Number(row.id), cutoff: isoTime(input.cutoff), rows, sha256, format: input.format },
        },
        input.context,
        at,
      );
      return archiveView(row);
    });
    if (archive) input.onArchived?.(archive);
  }
}

/**
 * Deletes the records an archive holds, the only delete the database lets through (ADR 0013): a
 * window (archive, cutoff) is opened in the same transaction as the `audit.pruned` record, the rows
 * older than the cutoff are deleted in short batches, then the window is closed and the archive marked
 * pruned. Refused unless the records older than the cutoff are still exactly the archived ones, and
 * none of them still waits for a forwarding destination. A prune cut short resumes on the next call.
 */
export async function pruneArchive(deps: Deps, archiveId: number, context: AuditContext): Promise<number> {
  const db = deps.db;
  const archive = await db.selectFrom('audit_archives').selectAll().where('id', '=', archiveId).executeTakeFirst();
  if (!archive) throw new AppError('ARCHIVE_NOT_FOUND');
  if (archive.pruned_at !== null) throw new AppError('ARCHIVE_ALREADY_PRUNED');
  const cutoff = archive.cutoff;
  const resuming = await db
    .selectFrom('audit_prune_window')
    .select('cutoff')
    .where('archive_id', '=', archiveId)
    .executeTakeFirst();
  if (!resuming) {
    const now = await countAuditRowsInSteps(db, { to: cutoff });
    if (now !== Number(archive.rows)) {
      throw new AppError('ARCHIVE_OUTDATED', { details: { archived: Number(archive.rows), now } });
    }
    const unforwarded = await createDestinationsRepo(db).pendingOlderThan(cutoff);
    if (unforwarded > 0) throw new AppError('PRUNE_UNFORWARDED', { details: { unforwarded } });
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('audit_prune_window').values({ archive_id: archiveId, cutoff }).execute();
      await createAuditLog(trx).record(
        {
          type: 'audit.pruned',
          outcome: 'success',
          target: { type: 'audit', id: archiveId, label: `archive ${archiveId}` },
          details: { archiveId, cutoff: isoTime(cutoff), rows: Number(archive.rows) },
        },
        context,
        deps.clock(),
      );
    });
  }
  const postgres = isPostgres(db);
  let rows = postgres ? 1000 : 100;
  for (;;) {
    const started = performance.now();
    const batch = db
      .selectFrom('audit_events')
      .select('id')
      .where('occurred_at', '<', cutoff)
      .orderBy('occurred_at')
      .limit(rows);
    const result = await db.deleteFrom('audit_events').where('id', 'in', batch).executeTakeFirst();
    if (Number(result.numDeletedRows) < rows) break;
    if (!postgres) rows = nextBatch(rows, performance.now() - started);
    await nextTurn();
  }
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('audit_prune_window').where('archive_id', '=', archiveId).execute();
    await trx
      .updateTable('audit_archives')
      .set({ pruned_at: deps.clock(), pruned_rows: Number(archive.rows), pruned_by: actorLabel(context) })
      .where('id', '=', archiveId)
      .execute();
  });
  return Number(archive.rows);
}
