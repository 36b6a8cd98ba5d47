import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface UserMfa {
  userId: number;
  providerId: number;
  providerName: string;
  providerEnabled: boolean;
  configuredAt: number;
  lastUsedAt: number | null;
}

/** Which provider each user set up their MFA with ("Configure MFA"), and when they last used it. */
export function createUserMfaRepo(db: Kysely<Database>) {
  const base = () =>
    db
      .selectFrom('user_mfa')
      .innerJoin('mfa_providers', 'mfa_providers.id', 'user_mfa.provider_id')
      .select([
        'user_mfa.user_id',
        'user_mfa.provider_id',
        'user_mfa.configured_at',
        'user_mfa.last_used_at',
        'mfa_providers.name',
        'mfa_providers.enabled',
      ]);

  const toUserMfa = (row: {
    user_id: number;
    provider_id: number;
    configured_at: number;
    last_used_at: number | null;
    name: string;
    enabled: number;
  }): UserMfa => ({
    userId: Number(row.user_id),
    providerId: Number(row.provider_id),
    providerName: row.name,
    providerEnabled: Boolean(row.enabled),
    configuredAt: row.configured_at,
    lastUsedAt: row.last_used_at,
  });

  return {
    async forUser(userId: number): Promise<UserMfa | undefined> {
      const row = await base().where('user_mfa.user_id', '=', userId).executeTakeFirst();
      return row ? toUserMfa(row) : undefined;
    },

    async forUsers(userIds: number[]): Promise<Map<number, UserMfa>> {
      if (userIds.length === 0) return new Map();
      const rows = await base().where('user_mfa.user_id', 'in', userIds).execute();
      return new Map(rows.map((row) => [Number(row.user_id), toUserMfa(row)]));
    },

    /** Replaces any earlier configuration: one MFA per user. */
    async set(userId: number, providerId: number, at: number): Promise<void> {
      await db
        .insertInto('user_mfa')
        .values({ user_id: userId, provider_id: providerId, configured_at: at, last_used_at: at })
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({ provider_id: providerId, configured_at: at, last_used_at: at }),
        )
        .execute();
    },

    async touch(userId: number, at: number): Promise<void> {
      await db.updateTable('user_mfa').set({ last_used_at: at }).where('user_id', '=', userId).execute();
    },

    async remove(userId: number): Promise<boolean> {
      const result = await db.deleteFrom('user_mfa').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** Administrators who can still sign in when MFA becomes required: MFA set up on an enabled provider, or "skip MFA". */
    async administratorsWithWorkingMfa(): Promise<string[]> {
      const rows = await db
        .selectFrom('users')
        .leftJoin('user_mfa', 'user_mfa.user_id', 'users.id')
        .leftJoin('mfa_providers', 'mfa_providers.id', 'user_mfa.provider_id')
        .select('users.username')
        .where('users.role', '=', 'administrator')
        .where('users.disabled', '=', 0)
        .where((eb) => eb.or([eb('users.mfa_skip', '=', 1), eb('mfa_providers.enabled', '=', 1)]))
        .execute();
      return rows.map((row) => row.username);
    },
  };
}
