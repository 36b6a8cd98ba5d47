import type { Kysely } from 'kysely';

// Duo's Admin API (ADR 0020): where each provider's import of Duo's authentication log has got to,
// the entries imported (one row per Duo txid: a second node importing the same entry finds it taken),
// and leases that let one node at a time run a scheduled job.
export function duoAdminApi() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('duo_auth_log_cursors')
        .addColumn('provider_id', 'bigint', (c) => c.primaryKey().references('mfa_providers.id').onDelete('cascade'))
        // The window being read (ms, inclusive) and, while it has more pages, Duo's next_offset.
        .addColumn('mintime_ms', 'bigint', (c) => c.notNull())
        .addColumn('maxtime_ms', 'bigint')
        .addColumn('next_offset', 'text')
        // Duo allows about one log request a minute: the slot is taken with a conditional UPDATE.
        .addColumn('last_request_at', 'bigint')
        .addColumn('last_success_at', 'bigint')
        .addColumn('last_error', 'text')
        .execute();

      await db.schema
        .createTable('duo_auth_log_entries')
        // Duo's transaction id is unique across Duo: the key that stops two nodes writing an entry twice.
        .addColumn('txid', 'text', (c) => c.primaryKey())
        .addColumn('provider_id', 'bigint', (c) => c.notNull().references('mfa_providers.id').onDelete('cascade'))
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('imported_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('duo_auth_log_entries_occurred_at')
        .on('duo_auth_log_entries')
        .column('occurred_at')
        .execute();

      await db.schema
        .createTable('job_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
