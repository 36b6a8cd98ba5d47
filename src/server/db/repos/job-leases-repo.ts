import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Leases of scheduled jobs: every node tries, the database decides. Taking a lease is one statement
 * (insert, or take over an expired one or our own), so of two nodes trying at once exactly one wins.
 */
export function createJobLeasesRepo(db: Kysely<Database>) {
  return {
    async acquire(name: string, holder: string, now: number, forMs: number): Promise<boolean> {
      const row = await db
        .insertInto('job_leases')
        .values({ name, holder, expires_at: now + forMs })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ holder, expires_at: now + forMs })
            .where((eb) => eb.or([eb('job_leases.expires_at', '<=', now), eb('job_leases.holder', '=', holder)])),
        )
        .returning('holder')
        .executeTakeFirst();
      return row?.holder === holder;
    },

    /** Ends our lease now, so the next node to try may run the job. */
    async release(name: string, holder: string, now: number): Promise<void> {
      await db
        .updateTable('job_leases')
        .set({ expires_at: now })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .execute();
    },
  };
}
