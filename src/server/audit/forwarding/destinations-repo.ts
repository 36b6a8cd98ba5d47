import type { Kysely, Selectable } from 'kysely';
import type { AuditDestinationsTable, Database } from '../../db/schema.ts';
import { isPostgres } from '../audit-query.ts';

export type DestinationKind = 'syslog' | 'webhook';

export interface DestinationRecord {
  id: number;
  name: string;
  kind: DestinationKind;
  enabled: boolean;
  config: Record<string, unknown>;
  sealedSecrets: Record<string, string>;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
  updatedBy: string | null;
  lastDeliveredAt: number | null;
  lastDeliveredEventId: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  failures: number;
  nextAttemptAt: number;
}

function toRecord(row: Selectable<AuditDestinationsTable>): DestinationRecord {
  return {
    id: Number(row.id),
    name: row.name,
    kind: row.kind,
    enabled: Boolean(row.enabled),
    config: JSON.parse(row.config) as Record<string, unknown>,
    sealedSecrets: JSON.parse(row.secrets) as Record<string, string>,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    lastDeliveredAt: row.last_delivered_at,
    lastDeliveredEventId: row.last_delivered_event_id === null ? null : Number(row.last_delivered_event_id),
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
    failures: row.failures,
    nextAttemptAt: row.next_attempt_at,
  };
}

/** One claimed outbox row with the event it delivers (null if the event is gone). */
export interface ClaimedDelivery {
  outboxId: number;
  eventId: number;
}

/** Destinations and their outbox: plain reads and writes; the rules live in destination-service and forwarder. */
export function createDestinationsRepo(db: Kysely<Database>) {
  return {
    async all(): Promise<DestinationRecord[]> {
      return (await db.selectFrom('audit_destinations').selectAll().orderBy('id').execute()).map(toRecord);
    },

    async findById(id: number): Promise<DestinationRecord | undefined> {
      const row = await db.selectFrom('audit_destinations').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    /** Enabled destinations whose back-off (if any) is over. */
    async due(now: number): Promise<DestinationRecord[]> {
      const rows = await db
        .selectFrom('audit_destinations')
        .selectAll()
        .where('enabled', '=', 1)
        .where('next_attempt_at', '<=', now)
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    /** Inserted without secrets: they are sealed with the new id in their additional data, then stored. */
    async insert(input: {
      name: string;
      kind: DestinationKind;
      enabled: boolean;
      config: Record<string, unknown>;
      at: number;
      by: string | null;
    }): Promise<number> {
      const row = await db
        .insertInto('audit_destinations')
        .values({
          name: input.name,
          name_key: input.name.toLowerCase(),
          kind: input.kind,
          enabled: input.enabled ? 1 : 0,
          config: JSON.stringify(input.config),
          secrets: '{}',
          created_at: input.at,
          created_by: input.by,
          updated_at: input.at,
          updated_by: input.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async update(
      id: number,
      patch: {
        name?: string;
        enabled?: boolean;
        config?: Record<string, unknown>;
        sealedSecrets?: Record<string, string>;
        at: number;
        by: string | null;
      },
    ): Promise<void> {
      await db
        .updateTable('audit_destinations')
        .set({
          ...(patch.name !== undefined && { name: patch.name, name_key: patch.name.toLowerCase() }),
          ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
          ...(patch.config !== undefined && { config: JSON.stringify(patch.config) }),
          ...(patch.sealedSecrets !== undefined && { secrets: JSON.stringify(patch.sealedSecrets) }),
          // A change of settings is a fresh start: retry at once.
          failures: 0,
          next_attempt_at: 0,
          updated_at: patch.at,
          updated_by: patch.by,
        })
        .where('id', '=', id)
        .execute();
    },

    /** Re-sealed under another key (rotation): the settings and their history are untouched. */
    async setSecrets(id: number, sealedSecrets: Record<string, string>): Promise<void> {
      await db
        .updateTable('audit_destinations')
        .set({ secrets: JSON.stringify(sealedSecrets) })
        .where('id', '=', id)
        .execute();
    },

    async remove(id: number): Promise<void> {
      await db.deleteFrom('audit_destinations').where('id', '=', id).execute();
    },

    async dropBacklog(destinationId: number): Promise<number> {
      const result = await db.deleteFrom('audit_outbox').where('destination_id', '=', destinationId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Pending deliveries, exactly up to `cap`. */
    async backlog(destinationId: number, cap: number): Promise<{ value: number; exact: boolean }> {
      const row = await db
        .selectFrom(
          db
            .selectFrom('audit_outbox')
            .select('id')
            .where('destination_id', '=', destinationId)
            .limit(cap + 1)
            .as('pending'),
        )
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const n = Number(row.n);
      return n > cap ? { value: cap, exact: false } : { value: n, exact: true };
    },

    /**
     * Claims up to `limit` unclaimed (or expired) rows of one destination for `node` until `until`, oldest
     * first, in one statement: on PostgreSQL rows another node is claiming are skipped (FOR UPDATE SKIP
     * LOCKED), so two nodes never hold the same row; SQLite has one writer at a time.
     */
    async claim(input: {
      destinationId: number;
      node: string;
      now: number;
      until: number;
      limit: number;
    }): Promise<ClaimedDelivery[]> {
      let candidates = db
        .selectFrom('audit_outbox')
        .select('id')
        .where('destination_id', '=', input.destinationId)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', input.now)]))
        .orderBy('id')
        .limit(input.limit);
      if (isPostgres(db)) candidates = candidates.forUpdate().skipLocked();
      const rows = await db
        .updateTable('audit_outbox')
        .set({ claimed_by: input.node, claimed_until: input.until })
        .where('id', 'in', candidates)
        .returning(['id', 'event_id'])
        .execute();
      return rows
        .map((row) => ({ outboxId: Number(row.id), eventId: Number(row.event_id) }))
        .sort((a, b) => a.outboxId - b.outboxId);
    },

    /** Delivered: gone from the outbox. Only rows this node still holds (a lost claim is not ours to delete). */
    async delivered(outboxIds: number[], node: string): Promise<number> {
      if (outboxIds.length === 0) return 0;
      const result = await db
        .deleteFrom('audit_outbox')
        .where('id', 'in', outboxIds)
        .where('claimed_by', '=', node)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Not sent: back in the queue at once, for whichever node is next. */
    async release(outboxIds: number[], node: string): Promise<void> {
      if (outboxIds.length === 0) return;
      await db
        .updateTable('audit_outbox')
        .set({ claimed_by: null, claimed_until: null })
        .where('id', 'in', outboxIds)
        .where('claimed_by', '=', node)
        .execute();
    },

    async recordSuccess(id: number, input: { at: number; lastEventId: number }): Promise<void> {
      await db
        .updateTable('audit_destinations')
        .set({
          last_delivered_at: input.at,
          last_delivered_event_id: input.lastEventId,
          failures: 0,
          next_attempt_at: 0,
        })
        .where('id', '=', id)
        .execute();
    },

    /** A failed attempt: the error for the status, and when the next attempt may start (back-off). */
    async recordFailure(id: number, input: { at: number; error: string; retryAt: (failures: number) => number }) {
      const row = await db
        .updateTable('audit_destinations')
        .set((eb) => ({ last_error: input.error, last_error_at: input.at, failures: eb('failures', '+', 1) }))
        .where('id', '=', id)
        .returning('failures')
        .executeTakeFirst();
      if (!row) return;
      await db
        .updateTable('audit_destinations')
        .set({ next_attempt_at: input.retryAt(row.failures) })
        .where('id', '=', id)
        .execute();
    },

    /** Whether any event older than `cutoff` still waits for a destination (a prune must not lose it). */
    async pendingOlderThan(cutoff: number): Promise<number> {
      const row = await db
        .selectFrom('audit_outbox')
        .innerJoin('audit_events', 'audit_events.id', 'audit_outbox.event_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('audit_events.occurred_at', '<', cutoff)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type DestinationsRepo = ReturnType<typeof createDestinationsRepo>;
