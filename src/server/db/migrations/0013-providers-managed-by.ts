import type { Kysely } from 'kysely';

// Providers as code: `provider apply <file>` marks the providers it manages with the file's name, so
// the console can say that an edit made there is overwritten by the next apply. Null: managed in the
// console.
export function providersManagedBy() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('mfa_providers').addColumn('managed_by', 'text').execute();
    },
  };
}
