import type { Kysely, Selectable } from 'kysely';
import type { AuditEventsTable, Database } from '../db/schema.ts';
import { isoTime } from '../iso-time.ts';
import {
  type AuditFilters,
  type AuditPosition,
  type AuditRow,
  countAuditRows,
  countAuditRowsInSteps,
  readAuditRows,
} from './audit-query.ts';
import type { AuditContext, AuditEvent } from './events.ts';

export interface AuditRecord {
  id: number;
  occurredAt: string;
  type: string;
  outcome: 'success' | 'failure';
  actorId: number | null;
  actorUsername: string | null;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  ip: string | null;
  userAgent: string | null;
  reason: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface AuditPageQuery extends AuditFilters {
  /** Older records than this position (the next page), or newer ones (the previous page). */
  after?: AuditPosition | undefined;
  before?: AuditPosition | undefined;
  limit: number;
}

export interface AuditPage {
  items: AuditRecord[];
  /** Where the next (older) page starts, or null at the oldest record. */
  next: AuditPosition | null;
  /** Where the previous (newer) page ends, or null on the newest page. */
  previous: AuditPosition | null;
}

/** Strips control characters (CR/LF, ANSI escapes, NUL) so stored text cannot forge lines (ASVS 16.4.1). */
export function cleanText(value: string | null | undefined, max = 512): string | null {
  if (value === null || value === undefined) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD').slice(0, max);
}

export function toRecord(row: Selectable<AuditEventsTable>): AuditRecord {
  return {
    id: Number(row.id),
    occurredAt: isoTime(row.occurred_at),
    type: row.type,
    outcome: row.outcome,
    actorId: row.actor_id === null ? null : Number(row.actor_id),
    actorUsername: row.actor_username,
    targetType: row.target_type,
    targetId: row.target_id,
    targetLabel: row.target_label,
    ip: row.ip,
    userAgent: row.user_agent,
    reason: row.reason,
    requestId: row.request_id,
    details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : {},
  };
}

/**
 * Writes go through the caller's executor so that an event commits (or rolls back) with the change it
 * describes. There is no update or delete here, and the database refuses both (triggers).
 */
export function createAuditLog(db: Kysely<Database>) {
  return {
    async record(event: AuditEvent, context: AuditContext, at: number): Promise<void> {
      await db
        .insertInto('audit_events')
        .values({
          occurred_at: at,
          type: event.type,
          outcome: event.outcome,
          actor_id: context.actor?.id ?? null,
          actor_username: cleanText(context.actor?.username),
          target_type: event.target?.type ?? null,
          target_id: event.target ? String(event.target.id) : null,
          target_label: cleanText(event.target?.label),
          ip: cleanText(context.ip, 64),
          user_agent: cleanText(context.userAgent),
          reason: cleanText(event.reason),
          request_id: cleanText(context.requestId, 64),
          details: JSON.stringify(event.details, (_key, value) =>
            typeof value === 'string' ? cleanText(value) : value,
          ),
        })
        .execute();
    },

    /** One page in (occurred_at, id) order, newest first, read from a position: no OFFSET, no full count. */
    async page(query: AuditPageQuery): Promise<AuditPage> {
      const { after, before, limit, ...filters } = query;
      const newer = before !== undefined;
      const rows = await readAuditRows(db, filters, {
        from: before ?? after,
        direction: newer ? 'newer' : 'older',
        limit: limit + 1,
      });
      const more = rows.length > limit;
      const page = rows.slice(0, limit);
      if (newer) page.reverse();
      const first = page[0];
      const last = page.at(-1);
      const positionOf = (row: AuditRow | undefined) => (row ? { at: row.occurred_at, id: Number(row.id) } : null);
      return {
        items: page.map(toRecord),
        // Reading older records from a position means newer ones exist, and the other way round.
        next: newer || more ? positionOf(last) : null,
        previous: (newer ? more : after !== undefined) ? positionOf(first) : null,
      };
    },

    /** Exactly up to `cap` ("more than cap" beyond); with no cap an exact count, in steps on SQLite. */
    async count(filters: AuditFilters, cap?: number): Promise<{ value: number; exact: boolean }> {
      if (cap !== undefined) return countAuditRows(db, filters, cap);
      return { value: await countAuditRowsInSteps(db, filters), exact: true };
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
