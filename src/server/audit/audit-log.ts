import { type Kysely, type Selectable, sql } from 'kysely';
import { like, likeEscaped } from '../db/like.ts';
import type { AuditEventsTable, Database } from '../db/schema.ts';
import { isoTime } from '../iso-time.ts';
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

export interface AuditQuery {
  type?: string;
  actor?: string;
  target?: string;
  outcome?: 'success' | 'failure';
  from?: number;
  to?: number;
  beforeId?: number;
  offset: number;
  limit: number;
}

/** Strips control characters (CR/LF, ANSI escapes, NUL) so stored text cannot forge lines (ASVS 16.4.1). */
export function cleanText(value: string | null | undefined, max = 512): string | null {
  if (value === null || value === undefined) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD').slice(0, max);
}

function toRecord(row: Selectable<AuditEventsTable>): AuditRecord {
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

    async query(query: AuditQuery): Promise<{ items: AuditRecord[]; total: number }> {
      let base = db.selectFrom('audit_events');
      if (query.type) {
        base = query.type.endsWith('.*')
          ? base.where(like(sql`type`, `${likeEscaped(query.type.slice(0, -2))}.%`))
          : base.where('type', '=', query.type);
      }
      if (query.actor) base = base.where('actor_username', '=', query.actor.toLowerCase());
      if (query.target)
        base = base.where((eb) =>
          eb.or([eb('target_id', '=', query.target ?? ''), eb('target_label', '=', query.target ?? '')]),
        );
      if (query.outcome) base = base.where('outcome', '=', query.outcome);
      if (query.from !== undefined) base = base.where('occurred_at', '>=', query.from);
      if (query.to !== undefined) base = base.where('occurred_at', '<', query.to);
      if (query.beforeId !== undefined) base = base.where('id', '<', query.beforeId);
      const [rows, total] = await Promise.all([
        base.selectAll().orderBy('id', 'desc').offset(query.offset).limit(query.limit).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toRecord), total: Number(total.n) };
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
