import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

export interface ThrottleState {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number | null;
  lockAudited: number | null;
}

/**
 * Failed sign-in counters live in the database so every node sees the same totals (several nodes
 * behind a load balancer must not multiply an attacker's budget).
 */
export function createThrottleRepo(db: Kysely<Database>) {
  return {
    async get(key: string): Promise<ThrottleState | undefined> {
      const row = await db.selectFrom('auth_throttle').selectAll().where('key', '=', key).executeTakeFirst();
      return row
        ? {
            failures: row.failures,
            lastFailureAt: row.last_failure_at,
            lockedUntil: row.locked_until,
            lockAudited: row.lock_audited === null ? null : Number(row.lock_audited),
          }
        : undefined;
    },

    /** One atomic statement, so concurrent failures on two nodes both count. Resets after `forgetAfterMs` of quiet. */
    async recordFailure(key: string, now: number, forgetAfterMs: number): Promise<number> {
      const row = await db
        .insertInto('auth_throttle')
        .values({ key, failures: 1, last_failure_at: now, locked_until: null })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            failures: sql`case when auth_throttle.last_failure_at < ${now - forgetAfterMs} then 1 else auth_throttle.failures + 1 end`,
            last_failure_at: now,
          }),
        )
        .returning('failures')
        .executeTakeFirstOrThrow();
      return row.failures;
    },

    async lockUntil(key: string, until: number): Promise<void> {
      await db.updateTable('auth_throttle').set({ locked_until: until }).where('key', '=', key).execute();
    },

    /**
     * Claims the audit record of this lock window: true for the first refusal of the window only (one
     * statement, so two nodes refusing at once write one record).
     */
    async claimLockAudit(key: string, lockedUntil: number): Promise<boolean> {
      const result = await db
        .updateTable('auth_throttle')
        .set({ lock_audited: lockedUntil })
        .where('key', '=', key)
        .where((eb) => eb.or([eb('lock_audited', 'is', null), eb('lock_audited', '!=', lockedUntil)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async clear(key: string): Promise<void> {
      await db.deleteFrom('auth_throttle').where('key', '=', key).execute();
    },
  };
}

export type ThrottleRepo = ReturnType<typeof createThrottleRepo>;
