import { type Kysely, sql } from 'kysely';

// Several factors per user (Duo, authenticator apps, recovery codes) and one store of pending
// second-factor challenges for every kind of factor. The one-MFA-per-user table and the Duo-only
// round-trip table are replaced: enrolments are copied over; pending round trips (at most ten
// minutes old) are not, so a sign-in that straddles the upgrade starts again.
export function userFactors() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('user_factors')
        // Random, not sequential: it appears in URLs and binds the sealed secret (additional data).
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('type', 'text', (c) => c.notNull())
        // Null for factors that belong to no provider record (recovery codes).
        .addColumn('provider_id', 'bigint', (c) => c.references('mfa_providers.id').onDelete('cascade'))
        .addColumn('label', 'text', (c) => c.notNull())
        // The per-user secret (a TOTP key), sealed under the master key and bound to this row.
        .addColumn('secret', 'text')
        // A monotonic counter the factor must move forward (the last TOTP time step accepted).
        .addColumn('counter', 'bigint')
        .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .execute();
      await db.schema.createIndex('user_factors_user_id').on('user_factors').column('user_id').execute();
      await db.schema.createIndex('user_factors_provider_id').on('user_factors').column('provider_id').execute();

      await db.schema
        .createTable('recovery_codes')
        .addColumn('factor_id', 'text', (c) => c.notNull().references('user_factors.id').onDelete('cascade'))
        // SHA-256 of the normalised code: codes carry 80 random bits, so a plain hash cannot be reversed.
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addPrimaryKeyConstraint('recovery_codes_pk', ['factor_id', 'code_hash'])
        .execute();

      await db.schema
        .createTable('mfa_challenges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // SHA-256 of the `state` sent to a redirect provider; the callback finds its challenge by it.
        .addColumn('lookup_hash', 'text', (c) => c.unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('factor_id', 'text', (c) => c.references('user_factors.id').onDelete('cascade'))
        .addColumn('provider_id', 'bigint', (c) => c.references('mfa_providers.id').onDelete('cascade'))
        .addColumn('purpose', 'text', (c) => c.notNull())
        // SHA-256 of the random value in this browser's login cookie.
        .addColumn('browser_binding', 'text', (c) => c.notNull())
        .addColumn('session_id_hash', 'text')
        .addColumn('return_path', 'text', (c) => c.notNull())
        // Typed per kind (JSON); a secret in it is sealed and bound to this row.
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('password_at', 'bigint')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mfa_challenges_expires_at').on('mfa_challenges').column('expires_at').execute();
      await db.schema.createIndex('mfa_challenges_user_id').on('mfa_challenges').column('user_id').execute();

      await sql`insert into user_factors (id, user_id, type, provider_id, label, is_default, created_at, last_used_at)
        select 'duo-' || cast(user_mfa.user_id as text), user_mfa.user_id, mfa_providers.type, user_mfa.provider_id,
               mfa_providers.name, 1, user_mfa.configured_at, user_mfa.last_used_at
        from user_mfa inner join mfa_providers on mfa_providers.id = user_mfa.provider_id`.execute(db);
      await db.schema.dropTable('user_mfa').execute();
      await db.schema.dropTable('login_transactions').execute();

      // The factors a session was opened with (RFC 8176 `amr` values), and which user factor.
      await db.schema.alterTable('sessions').addColumn('amr', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('factor_id', 'text').execute();
    },
  };
}
