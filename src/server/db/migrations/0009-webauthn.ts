import type { Kysely } from 'kysely';

// Security keys and passkeys (WebAuthn): a credential's public data beside the user's factor (the
// public key is not secret; the counter lives in the factor's counter), sessions that are
// phishing-resistant, and the challenges of passwordless sign-in (no user is known until the answer).
export function webauthn() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('user_factors').addColumn('credential_id', 'text').execute();
      // JSON: public key, transports, AAGUID, backup flags, when a possible clone was seen.
      await db.schema.alterTable('user_factors').addColumn('public_data', 'text').execute();
      await db.schema
        .createIndex('user_factors_credential_id')
        .on('user_factors')
        .column('credential_id')
        .unique()
        .execute();
      await db.schema
        .alterTable('sessions')
        .addColumn('phishing_resistant', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('passkey_challenges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('challenge', 'text', (c) => c.notNull())
        .addColumn('provider_id', 'bigint', (c) => c.notNull().references('mfa_providers.id').onDelete('cascade'))
        .addColumn('browser_binding', 'text', (c) => c.notNull())
        .addColumn('return_path', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('passkey_challenges_expires_at')
        .on('passkey_challenges')
        .column('expires_at')
        .execute();
    },
  };
}
