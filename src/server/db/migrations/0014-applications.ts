import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';

// Protecting other applications (forward-auth): groups of users with an MFA policy each, the
// applications with their URLs and ordered access rules, the keys that sign the identity tokens sent
// to them, and the time of each session's last MFA (step-up asks for a fresh one without a password).
export function applications(engine: Engine) {
  const idColumn = engine === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('groups')
        .addColumn('id', idColumn, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('name', 'text', (c) => c.notNull())
        // Lowercased name: names are unique regardless of case.
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        // inherit | required | off: feeds the sign-in decision for the group's members.
        .addColumn('mfa_policy', 'text', (c) => c.notNull().defaultTo('inherit'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'bigint', (c) => c.notNull().references('groups.id').onDelete('cascade'))
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('added_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema.createIndex('group_members_user_id').on('group_members').column('user_id').execute();

      await db.schema
        .createTable('applications')
        .addColumn('id', idColumn, (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('colour', 'text', (c) => c.notNull())
        // forward_auth now; OpenID Connect comes next on the same record.
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        // JSON: [{ host, pathPrefix }], the ordered rules, and the identity headers to send.
        .addColumn('urls', 'text', (c) => c.notNull())
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('headers', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        // The public half as a JWK (served at the JWKS endpoint); the private half sealed, bound to the kid.
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('retired_at', 'bigint')
        .execute();

      // Null on sessions opened before it was recorded: then the auth time of an MFA session stands for it.
      await db.schema.alterTable('sessions').addColumn('mfa_at', 'bigint').execute();
    },
  };
}
