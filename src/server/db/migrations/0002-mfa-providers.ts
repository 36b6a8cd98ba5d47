import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';

// MFA provider records (the type is code; the record is configuration + sealed secrets) and the
// per-user MFA enrolment that says which users depend on which provider.
export function mfaProviders(engine: Engine) {
  const idColumn = engine === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('mfa_providers')
        .addColumn('id', idColumn, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('secrets', 'text', (c) => c.notNull())
        .addColumn('last_check_at', 'bigint')
        .addColumn('last_check_status', 'text')
        .addColumn('last_check_message', 'text')
        .addColumn('unusable_reason', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();

      await db.schema
        .createTable('user_mfa')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('provider_id', 'bigint', (c) => c.notNull().references('mfa_providers.id').onDelete('cascade'))
        .addColumn('configured_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .execute();
      await db.schema.createIndex('user_mfa_provider_id').on('user_mfa').column('provider_id').execute();
    },
  };
}
