import { type Kysely, type Selectable, sql } from 'kysely';
import type { AccessRule, IdentityHeaders } from '../../../shared/api/applications.ts';
import { like, likeEscaped } from '../like.ts';
import type { ApplicationsTable, Database } from '../schema.ts';

export interface ApplicationRecord {
  id: number;
  name: string;
  description: string;
  colour: string;
  protocol: 'forward_auth';
  enabled: boolean;
  /** Canonical host patterns and path prefixes (see shared/api/access-patterns.ts). */
  urls: Array<{ host: string; pathPrefix: string }>;
  /** In order: the first that matches decides. */
  rules: AccessRule[];
  headers: IdentityHeaders;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
  updatedBy: string | null;
}

export type ApplicationSort = 'id' | 'name' | 'enabled' | 'created' | 'updated';

export interface ApplicationListQuery {
  name?: string;
  host?: string;
  protocol?: 'forward_auth';
  enabled?: boolean;
  sort: ApplicationSort;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

function toApplication(row: Selectable<ApplicationsTable>): ApplicationRecord {
  return {
    id: Number(row.id),
    name: row.name,
    description: row.description,
    colour: row.colour,
    protocol: row.protocol,
    enabled: Boolean(row.enabled),
    urls: JSON.parse(row.urls) as ApplicationRecord['urls'],
    rules: JSON.parse(row.rules) as AccessRule[],
    headers: JSON.parse(row.headers) as IdentityHeaders,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    updatedAt: Number(row.updated_at),
    updatedBy: row.updated_by,
  };
}

const SORT_COLUMNS = {
  id: 'id',
  name: 'name_key',
  enabled: 'enabled',
  created: 'created_at',
  updated: 'updated_at',
} as const satisfies Record<ApplicationSort, keyof ApplicationsTable>;

type Writable = Omit<ApplicationRecord, 'id' | 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy'>;

const columns = (app: Writable) => ({
  name: app.name,
  name_key: app.name.toLowerCase(),
  description: app.description,
  colour: app.colour,
  protocol: app.protocol,
  enabled: app.enabled ? 1 : 0,
  urls: JSON.stringify(app.urls),
  rules: JSON.stringify(app.rules),
  headers: JSON.stringify(app.headers),
});

/** Applications protected by forward-auth, with their URLs, rules and headers as JSON columns. */
export function createApplicationsRepo(db: Kysely<Database>) {
  return {
    async all(): Promise<ApplicationRecord[]> {
      const rows = await db.selectFrom('applications').selectAll().orderBy('id').execute();
      return rows.map(toApplication);
    },

    async list(query: ApplicationListQuery): Promise<{ items: ApplicationRecord[]; total: number }> {
      let base = db.selectFrom('applications');
      if (query.name) base = base.where(like(sql`name_key`, `%${likeEscaped(query.name.trim().toLowerCase())}%`));
      if (query.host) base = base.where(like(sql`urls`, `%${likeEscaped(query.host.trim().toLowerCase())}%`));
      if (query.protocol) base = base.where('protocol', '=', query.protocol);
      if (query.enabled !== undefined) base = base.where('enabled', '=', query.enabled ? 1 : 0);
      const [rows, total] = await Promise.all([
        base
          .selectAll()
          .orderBy(SORT_COLUMNS[query.sort], query.order)
          .orderBy('id')
          .offset(query.offset)
          .limit(query.limit)
          .execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toApplication), total: Number(total.n) };
    },

    async findById(id: number): Promise<ApplicationRecord | undefined> {
      const row = await db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toApplication(row) : undefined;
    },

    async findByName(name: string): Promise<ApplicationRecord | undefined> {
      const row = await db
        .selectFrom('applications')
        .selectAll()
        .where('name_key', '=', name.trim().toLowerCase())
        .executeTakeFirst();
      return row ? toApplication(row) : undefined;
    },

    async insert(app: Writable, at: number, by: string | null): Promise<number> {
      const row = await db
        .insertInto('applications')
        .values({ ...columns(app), created_at: at, created_by: by, updated_at: at, updated_by: by })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async update(id: number, app: Writable, at: number, by: string | null): Promise<void> {
      await db
        .updateTable('applications')
        .set({ ...columns(app), updated_at: at, updated_by: by })
        .where('id', '=', id)
        .execute();
    },

    /** The values of these settings as one string: it changes whenever one of them does. */
    async stamp(keys: string[]): Promise<string> {
      const rows = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', keys).execute();
      return rows
        .map((row) => `${row.key}=${row.value}`)
        .sort()
        .join('|');
    },

    async delete(id: number): Promise<boolean> {
      const result = await db.deleteFrom('applications').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type ApplicationsRepo = ReturnType<typeof createApplicationsRepo>;
