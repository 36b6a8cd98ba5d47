import { type Kysely, type Selectable, sql } from 'kysely';
import { like, likeEscaped } from '../like.ts';
import type { Database, MfaProvidersTable } from '../schema.ts';

export interface LastCheck {
  at: number;
  status: string;
  message: string;
}

export interface ProviderRecord {
  id: number;
  name: string;
  type: string;
  enabled: boolean;
  config: Record<string, string>;
  sealedSecrets: Record<string, string>;
  lastCheck: LastCheck | null;
  unusableReason: string | null;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
  updatedBy: string | null;
  /** The providers file that manages this record (`provider apply`), or null when the console does. */
  managedBy: string | null;
}

export type ProviderSort = 'id' | 'name' | 'type' | 'enabled' | 'created' | 'lastCheck';

export interface ProviderListQuery {
  id?: number;
  name?: string;
  type?: string;
  enabled?: boolean;
  sort: ProviderSort;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

function toRecord(row: Selectable<MfaProvidersTable>): ProviderRecord {
  return {
    id: Number(row.id),
    name: row.name,
    type: row.type,
    enabled: Boolean(row.enabled),
    config: JSON.parse(row.config) as Record<string, string>,
    sealedSecrets: JSON.parse(row.secrets) as Record<string, string>,
    lastCheck:
      row.last_check_at === null
        ? null
        : { at: row.last_check_at, status: row.last_check_status ?? 'error', message: row.last_check_message ?? '' },
    unusableReason: row.unusable_reason,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    managedBy: row.managed_by ?? null,
  };
}

const SORT_COLUMNS = {
  id: 'id',
  name: 'name_key',
  type: 'type',
  enabled: 'enabled',
  created: 'created_at',
  lastCheck: 'last_check_at',
} as const satisfies Record<ProviderSort, keyof MfaProvidersTable>;

export function createProvidersRepo(db: Kysely<Database>) {
  return {
    async findById(id: number): Promise<ProviderRecord | undefined> {
      const row = await db.selectFrom('mfa_providers').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async findByName(name: string): Promise<ProviderRecord | undefined> {
      const row = await db
        .selectFrom('mfa_providers')
        .selectAll()
        .where('name_key', '=', name.trim().toLowerCase())
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async all(): Promise<ProviderRecord[]> {
      return (await db.selectFrom('mfa_providers').selectAll().orderBy('id').execute()).map(toRecord);
    },

    async list(query: ProviderListQuery): Promise<{ items: ProviderRecord[]; total: number }> {
      let base = db.selectFrom('mfa_providers');
      if (query.id !== undefined) base = base.where('id', '=', query.id);
      if (query.name) {
        base = base.where(like(sql`name_key`, `%${likeEscaped(query.name.toLowerCase())}%`));
      }
      if (query.type) base = base.where('type', '=', query.type);
      if (query.enabled !== undefined) base = base.where('enabled', '=', query.enabled ? 1 : 0);
      const [rows, total] = await Promise.all([
        base
          .selectAll()
          .orderBy(SORT_COLUMNS[query.sort], query.order)
          .orderBy('id', query.order)
          .offset(query.offset)
          .limit(query.limit)
          .execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toRecord), total: Number(total.n) };
    },

    async countEnabled(exceptId?: number): Promise<number> {
      let query = db
        .selectFrom('mfa_providers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('enabled', '=', 1);
      if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
      return Number((await query.executeTakeFirstOrThrow()).n);
    },

    /** Inserted without secrets: they are sealed with the new id in their additional data, then stored. */
    async insert(record: {
      name: string;
      type: string;
      enabled: boolean;
      config: Record<string, string>;
      at: number;
      by: string | null;
    }): Promise<number> {
      const row = await db
        .insertInto('mfa_providers')
        .values({
          name: record.name,
          name_key: record.name.toLowerCase(),
          type: record.type,
          enabled: record.enabled ? 1 : 0,
          config: JSON.stringify(record.config),
          secrets: '{}',
          created_at: record.at,
          created_by: record.by,
          updated_at: record.at,
          updated_by: record.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async update(
      id: number,
      patch: {
        name?: string;
        enabled?: boolean;
        config?: Record<string, string>;
        sealedSecrets?: Record<string, string>;
        unusableReason?: string | null;
        at: number;
        by: string | null;
      },
    ): Promise<void> {
      await db
        .updateTable('mfa_providers')
        .set({
          ...(patch.name !== undefined && { name: patch.name, name_key: patch.name.toLowerCase() }),
          ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
          ...(patch.config !== undefined && { config: JSON.stringify(patch.config) }),
          ...(patch.sealedSecrets !== undefined && { secrets: JSON.stringify(patch.sealedSecrets) }),
          ...(patch.unusableReason !== undefined && { unusable_reason: patch.unusableReason }),
          updated_at: patch.at,
          updated_by: patch.by,
        })
        .where('id', '=', id)
        .execute();
    },

    /** Marks (or unmarks, with null) a record as managed by a providers file; not a settings change. */
    async setManagedBy(id: number, managedBy: string | null): Promise<void> {
      await db.updateTable('mfa_providers').set({ managed_by: managedBy }).where('id', '=', id).execute();
    },

    /** A connection test result is not a configuration change: updated_at stays as it was. */
    async recordCheck(id: number, check: LastCheck): Promise<void> {
      await db
        .updateTable('mfa_providers')
        .set({ last_check_at: check.at, last_check_status: check.status, last_check_message: check.message })
        .where('id', '=', id)
        .execute();
    },

    async delete(id: number): Promise<void> {
      await db.deleteFrom('mfa_providers').where('id', '=', id).execute();
    },

    /** How many users hold a factor of each provider. */
    async dependentCounts(): Promise<Map<number, number>> {
      const rows = await db
        .selectFrom('user_factors')
        .select(['provider_id', (eb) => eb.fn.count<number>('user_id').distinct().as('n')])
        .where('provider_id', 'is not', null)
        .groupBy('provider_id')
        .execute();
      return new Map(rows.map((row) => [Number(row.provider_id), Number(row.n)]));
    },

    /** Users holding a factor of this provider: who a disable or delete would affect. */
    async dependents(providerId: number, limit = 50): Promise<{ total: number; usernames: string[] }> {
      const base = db.selectFrom('user_factors').where('provider_id', '=', providerId);
      const [rows, total] = await Promise.all([
        base
          .innerJoin('users', 'users.id', 'user_factors.user_id')
          .select('users.username')
          .distinct()
          .orderBy('users.username')
          .limit(limit)
          .execute(),
        base.select((eb) => eb.fn.count<number>('user_id').distinct().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { total: Number(total.n), usernames: rows.map((row) => row.username) };
    },
  };
}

export type ProvidersRepo = ReturnType<typeof createProvidersRepo>;
