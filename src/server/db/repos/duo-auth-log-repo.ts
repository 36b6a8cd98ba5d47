import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface AuthLogCursor {
  providerId: number;
  mintimeMs: number;
  maxtimeMs: number | null;
  nextOffset: string | null;
  lastRequestAt: number | null;
  lastSuccessAt: number | null;
  lastError: string | null;
}

/** Names sent per `in (...)` list: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += CHUNK) out.push(items.slice(index, index + CHUNK));
  return out;
}

/** The import of Duo's authentication log (ADR 0020): cursors per provider, and the entries taken, by txid. */
export function createDuoAuthLogRepo(db: Kysely<Database>) {
  return {
    async cursor(providerId: number): Promise<AuthLogCursor | undefined> {
      const row = await db
        .selectFrom('duo_auth_log_cursors')
        .selectAll()
        .where('provider_id', '=', providerId)
        .executeTakeFirst();
      return row
        ? {
            providerId: Number(row.provider_id),
            mintimeMs: Number(row.mintime_ms),
            maxtimeMs: row.maxtime_ms === null ? null : Number(row.maxtime_ms),
            nextOffset: row.next_offset,
            lastRequestAt: row.last_request_at === null ? null : Number(row.last_request_at),
            lastSuccessAt: row.last_success_at === null ? null : Number(row.last_success_at),
            lastError: row.last_error,
          }
        : undefined;
    },

    /** The first import of a provider starts from `mintimeMs`; an existing cursor is left as it is. */
    async ensureCursor(providerId: number, mintimeMs: number): Promise<void> {
      await db
        .insertInto('duo_auth_log_cursors')
        .values({ provider_id: providerId, mintime_ms: mintimeMs })
        .onConflict((oc) => oc.column('provider_id').doNothing())
        .execute();
    },

    /**
     * Takes the provider's request slot: at most one log request per `intervalMs`, whichever node asks
     * (one conditional UPDATE, so two nodes cannot both take it).
     */
    async takeRequestSlot(providerId: number, now: number, intervalMs: number): Promise<boolean> {
      const result = await db
        .updateTable('duo_auth_log_cursors')
        .set({ last_request_at: now })
        .where('provider_id', '=', providerId)
        .where((eb) => eb.or([eb('last_request_at', 'is', null), eb('last_request_at', '<=', now - intervalMs)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async saveProgress(
      providerId: number,
      progress: { mintimeMs: number; maxtimeMs: number | null; nextOffset: string | null; at: number },
    ): Promise<void> {
      await db
        .updateTable('duo_auth_log_cursors')
        .set({
          mintime_ms: progress.mintimeMs,
          maxtime_ms: progress.maxtimeMs,
          next_offset: progress.nextOffset,
          last_success_at: progress.at,
          last_error: null,
        })
        .where('provider_id', '=', providerId)
        .execute();
    },

    async recordError(providerId: number, message: string): Promise<void> {
      await db
        .updateTable('duo_auth_log_cursors')
        .set({ last_error: message.slice(0, 500) })
        .where('provider_id', '=', providerId)
        .execute();
    },

    /** Takes an entry for this node: false when it was imported already (here or by another node). */
    async claim(entry: {
      txid: string;
      providerId: number;
      occurredAt: number;
      result: string;
      reason: string;
      userId: number | null;
      importedAt: number;
    }): Promise<boolean> {
      const row = await db
        .insertInto('duo_auth_log_entries')
        .values({
          txid: entry.txid,
          provider_id: entry.providerId,
          occurred_at: entry.occurredAt,
          result: entry.result,
          reason: entry.reason,
          user_id: entry.userId,
          imported_at: entry.importedAt,
        })
        .onConflict((oc) => oc.column('txid').doNothing())
        .returning('txid')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Pushes (and calls) the user denied, or reported as fraud, since `since`: the Attention card's count. */
    async countDeniedOrFraud(since: number): Promise<number> {
      const row = await db
        .selectFrom('duo_auth_log_entries')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('occurred_at', '>=', since)
        .where((eb) =>
          eb.or([eb('result', '=', 'fraud'), eb.and([eb('result', '=', 'denied'), eb('reason', '=', 'user_mistake')])]),
        )
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    /** Imported entries are kept two days: long enough for the overlap of windows and the 24-hour count. */
    async prune(before: number): Promise<void> {
      await db.deleteFrom('duo_auth_log_entries').where('occurred_at', '<', before).execute();
    },

    /** Candidates for matching Duo names to Portcullis users: by username, by email, or every holder of a factor. */
    async usersNamed(names: string[]): Promise<Array<{ id: number; username: string; email: string }>> {
      const found: Array<{ id: number; username: string; email: string }> = [];
      for (const part of chunks(names)) {
        const rows = await db
          .selectFrom('users')
          .select(['id', 'username', 'email'])
          .where((eb) => eb.or([eb('username', 'in', part), eb(eb.fn('lower', ['email']), 'in', part)]))
          .execute();
        found.push(...rows.map((row) => ({ id: Number(row.id), username: row.username, email: row.email })));
      }
      return found;
    },

    async usersWithFactorOf(providerId: number): Promise<Array<{ id: number; username: string; email: string }>> {
      const rows = await db
        .selectFrom('users')
        .innerJoin('user_factors', 'user_factors.user_id', 'users.id')
        .select(['users.id', 'users.username', 'users.email'])
        .where('user_factors.provider_id', '=', providerId)
        .distinct()
        .execute();
      return rows.map((row) => ({ id: Number(row.id), username: row.username, email: row.email }));
    },
  };
}
