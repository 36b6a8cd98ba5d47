import type { Kysely } from 'kysely';

// Signing in with MFA: pending Duo round trips (consumed exactly once), the factor a session was
// opened with, and the administrators' per-user "skip MFA" (break-glass) flag.
export function mfaSignIn() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('login_transactions')
        // SHA-256 of the `state` sent to the provider: a leaked table cannot be replayed as callbacks.
        .addColumn('state_hash', 'text', (c) => c.primaryKey())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('provider_id', 'bigint', (c) => c.notNull().references('mfa_providers.id').onDelete('cascade'))
        // SHA-256 of the random value in this browser's login cookie: binds the round trip to one browser.
        .addColumn('browser_binding', 'text', (c) => c.notNull())
        .addColumn('session_id_hash', 'text')
        .addColumn('return_path', 'text', (c) => c.notNull())
        .addColumn('provider_username', 'text', (c) => c.notNull())
        .addColumn('enrolling', 'integer', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('login_transactions_expires_at')
        .on('login_transactions')
        .column('expires_at')
        .execute();

      await db.schema.alterTable('sessions').addColumn('mfa_provider_id', 'bigint').execute();
      await db.schema.alterTable('sessions').addColumn('mfa_factor', 'text').execute();
      await db.schema
        .alterTable('users')
        .addColumn('mfa_skip', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
