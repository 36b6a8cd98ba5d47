import type { Kysely, Selectable } from 'kysely';
import type { Database, UserFactorsTable } from '../schema.ts';

/** A factor one user holds, with what the sign-in and the console need to know of its provider. */
export interface UserFactor {
  id: string;
  userId: number;
  type: string;
  providerId: number | null;
  /** Null for factors without a provider record (recovery codes). */
  provider: { name: string; type: string; enabled: boolean; lastCheckStatus: string | null } | null;
  label: string;
  sealedSecret: string | null;
  counter: number | null;
  isDefault: boolean;
  createdAt: number;
  lastUsedAt: number | null;
  /** WebAuthn: the credential id and its public data (public key, transports, AAGUID, flags). */
  credentialId: string | null;
  publicData: Record<string, unknown> | null;
}

export interface NewUserFactor {
  id: string;
  userId: number;
  type: string;
  providerId: number | null;
  label: string;
  sealedSecret: string | null;
  counter: number | null;
  isDefault: boolean;
  createdAt: number;
  credentialId?: string | null;
  publicData?: Record<string, unknown> | null;
}

type Row = Selectable<UserFactorsTable> & {
  provider_name: string | null;
  provider_type: string | null;
  provider_enabled: number | null;
  provider_check: string | null;
};

function toFactor(row: Row): UserFactor {
  return {
    id: row.id,
    userId: Number(row.user_id),
    type: row.type,
    providerId: row.provider_id === null ? null : Number(row.provider_id),
    provider:
      row.provider_name === null
        ? null
        : {
            name: row.provider_name,
            type: row.provider_type ?? '',
            enabled: Boolean(row.provider_enabled),
            lastCheckStatus: row.provider_check,
          },
    label: row.label,
    sealedSecret: row.secret,
    counter: row.counter === null ? null : Number(row.counter),
    isDefault: Boolean(row.is_default),
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    credentialId: row.credential_id,
    publicData: row.public_data ? (JSON.parse(row.public_data) as Record<string, unknown>) : null,
  };
}

/** The factors users hold (several per user) and their recovery codes. */
export function createUserFactorsRepo(db: Kysely<Database>) {
  const base = () =>
    db
      .selectFrom('user_factors')
      .leftJoin('mfa_providers', 'mfa_providers.id', 'user_factors.provider_id')
      .selectAll('user_factors')
      .select([
        'mfa_providers.name as provider_name',
        'mfa_providers.type as provider_type',
        'mfa_providers.enabled as provider_enabled',
        'mfa_providers.last_check_status as provider_check',
      ]);

  return {
    async forUser(userId: number): Promise<UserFactor[]> {
      const rows = await base()
        .where('user_factors.user_id', '=', userId)
        .orderBy('user_factors.created_at')
        .orderBy('user_factors.id')
        .execute();
      return rows.map(toFactor);
    },

    async forUsers(userIds: number[]): Promise<Map<number, UserFactor[]>> {
      const result = new Map<number, UserFactor[]>();
      if (userIds.length === 0) return result;
      const rows = await base()
        .where('user_factors.user_id', 'in', userIds)
        .orderBy('user_factors.created_at')
        .orderBy('user_factors.id')
        .execute();
      for (const row of rows) {
        const factor = toFactor(row);
        result.set(factor.userId, [...(result.get(factor.userId) ?? []), factor]);
      }
      return result;
    },

    async findById(id: string): Promise<UserFactor | undefined> {
      const row = await base().where('user_factors.id', '=', id).executeTakeFirst();
      return row ? toFactor(row) : undefined;
    },

    async insert(factor: NewUserFactor): Promise<void> {
      await db
        .insertInto('user_factors')
        .values({
          id: factor.id,
          user_id: factor.userId,
          type: factor.type,
          provider_id: factor.providerId,
          label: factor.label,
          secret: factor.sealedSecret,
          counter: factor.counter,
          is_default: factor.isDefault ? 1 : 0,
          created_at: factor.createdAt,
          last_used_at: null,
          credential_id: factor.credentialId ?? null,
          public_data: factor.publicData ? JSON.stringify(factor.publicData) : null,
        })
        .execute();
    },

    async findByCredentialId(credentialId: string): Promise<UserFactor | undefined> {
      const row = await base().where('user_factors.credential_id', '=', credentialId).executeTakeFirst();
      return row ? toFactor(row) : undefined;
    },

    async setPublicData(id: string, publicData: Record<string, unknown>): Promise<void> {
      await db
        .updateTable('user_factors')
        .set({ public_data: JSON.stringify(publicData) })
        .where('id', '=', id)
        .execute();
    },

    /**
     * A WebAuthn signature counter must grow, except for authenticators that keep none (always 0):
     * one conditional statement, so a replayed or cloned assertion racing a real one loses.
     */
    async advanceSignatureCounter(id: string, counter: number, at: number): Promise<boolean> {
      const result = await db
        .updateTable('user_factors')
        .set({ counter, last_used_at: at })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('counter', 'is', null),
            eb('counter', '<', counter),
            eb.and([eb('counter', '=', 0), eb(eb.val(counter), '=', 0)]),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async rename(id: string, label: string): Promise<void> {
      await db.updateTable('user_factors').set({ label }).where('id', '=', id).execute();
    },

    /** One default per user: the factor offered first at sign-in. */
    async setDefault(userId: number, id: string): Promise<void> {
      await db
        .updateTable('user_factors')
        .set((eb) => ({ is_default: eb.case().when('id', '=', id).then(1).else(0).end() }))
        .where('user_id', '=', userId)
        .execute();
    },

    async setSecret(id: string, sealedSecret: string): Promise<void> {
      await db.updateTable('user_factors').set({ secret: sealedSecret }).where('id', '=', id).execute();
    },

    async withSecrets(): Promise<Array<{ id: string; sealedSecret: string }>> {
      const rows = await db
        .selectFrom('user_factors')
        .select(['id', 'secret'])
        .where('secret', 'is not', null)
        .execute();
      return rows.map((row) => ({ id: row.id, sealedSecret: row.secret ?? '' }));
    },

    async touch(id: string, at: number): Promise<void> {
      await db.updateTable('user_factors').set({ last_used_at: at }).where('id', '=', id).execute();
    },

    /**
     * Moves the factor's counter forward, or refuses: one statement, so of two nodes accepting the same
     * TOTP code at once only one succeeds (a code is accepted once; RFC 6238 §5.2, ASVS 6.5.1).
     */
    async advanceCounter(id: string, counter: number, at: number): Promise<boolean> {
      const result = await db
        .updateTable('user_factors')
        .set({ counter, last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('counter', 'is', null), eb('counter', '<', counter)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async remove(id: string): Promise<boolean> {
      const result = await db.deleteFrom('user_factors').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async removeForUser(userId: number, types?: string[]): Promise<number> {
      let query = db.deleteFrom('user_factors').where('user_id', '=', userId);
      if (types) query = query.where('type', 'in', types);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async insertRecoveryCodes(factorId: string, codeHashes: string[]): Promise<void> {
      await db
        .insertInto('recovery_codes')
        .values(codeHashes.map((code_hash) => ({ factor_id: factorId, code_hash, used_at: null })))
        .execute();
    },

    /** Spends one recovery code: one statement, so a code works once even when two nodes race. */
    async spendRecoveryCode(factorId: string, codeHash: string, at: number): Promise<boolean> {
      const result = await db
        .updateTable('recovery_codes')
        .set({ used_at: at })
        .where('factor_id', '=', factorId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async remainingRecoveryCodes(factorIds: string[]): Promise<Map<string, number>> {
      if (factorIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('recovery_codes')
        .select(['factor_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('factor_id', 'in', factorIds)
        .where('used_at', 'is', null)
        .groupBy('factor_id')
        .execute();
      return new Map(rows.map((row) => [row.factor_id, Number(row.n)]));
    },

    /**
     * Administrators who can still sign in when MFA becomes required: a factor of an allowed type on an
     * enabled provider, or "skip MFA".
     */
    async administratorsWithWorkingMfa(allowedTypes: readonly string[]): Promise<string[]> {
      const rows = await db
        .selectFrom('users')
        .leftJoin('user_factors', 'user_factors.user_id', 'users.id')
        .leftJoin('mfa_providers', 'mfa_providers.id', 'user_factors.provider_id')
        .select('users.username')
        .distinct()
        .where('users.role', '=', 'administrator')
        .where('users.disabled', '=', 0)
        .where((eb) =>
          eb.or([
            eb('users.mfa_skip', '=', 1),
            eb.and([eb('mfa_providers.enabled', '=', 1), eb('user_factors.type', 'in', [...allowedTypes, '-'])]),
          ]),
        )
        .execute();
      return rows.map((row) => row.username);
    },
  };
}

export type UserFactorsRepo = ReturnType<typeof createUserFactorsRepo>;
