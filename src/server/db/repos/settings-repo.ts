import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Small instance-wide settings as JSON values under a key (Application URL, MFA policy, canary...). */
export function createSettingsRepo(db: Kysely<Database>) {
  return {
    async get<T>(key: string): Promise<T | undefined> {
      const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      return row ? (JSON.parse(row.value) as T) : undefined;
    },

    async set(key: string, value: unknown, at: number, by: number | null): Promise<void> {
      const json = JSON.stringify(value);
      await db
        .insertInto('settings')
        .values({ key, value: json, updated_at: at, updated_by: by })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: at, updated_by: by }))
        .execute();
    },

    /** Inserts only if absent; returns false when another node got there first. */
    async insertIfAbsent(key: string, value: unknown, at: number): Promise<boolean> {
      const result = await db
        .insertInto('settings')
        .values({ key, value: JSON.stringify(value), updated_at: at, updated_by: null })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
