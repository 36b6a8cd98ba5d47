import type { Kysely } from 'kysely';

// One audit record per lock window (issue 12): the lock a throttle row's refusal was last audited for.
export function throttleWindows() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('auth_throttle').addColumn('lock_audited', 'bigint').execute();
    },
  };
}
