import { type Kysely, PostgresAdapter, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { AuditFiltersInput } from '../../shared/api/audit.ts';
import type { AuditEventsTable, Database } from '../db/schema.ts';

/** Repository filters: the API's ISO dates as epoch ms; `to` is exclusive. */
export interface AuditFilters {
  type?: string;
  actor?: string;
  target?: string;
  outcome?: 'success' | 'failure';
  from?: number;
  to?: number;
}

/** A record's place in the sort order (occurred_at, id), newest first. */
export interface AuditPosition {
  at: number;
  id: number;
}

export type AuditRow = Selectable<AuditEventsTable>;

export function auditFiltersOf(query: AuditFiltersInput): AuditFilters {
  return {
    ...(query.type && { type: query.type }),
    ...(query.actor && { actor: query.actor }),
    ...(query.target && { target: query.target }),
    ...(query.outcome && { outcome: query.outcome }),
    ...(query.from && { from: Date.parse(query.from) }),
    ...(query.to && { to: Date.parse(query.to) }),
  };
}

/** The family of `login.failed` is `login`: the same expression as the index audit_events_family_time. */
function familyExpression(db: Kysely<Database>) {
  return isPostgres(db) ? sql.raw(`split_part(type, '.', 1)`) : sql.raw(`substr(type, 1, instr(type, '.') - 1)`);
}

export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

type EventsQuery<O> = SelectQueryBuilder<Database, 'audit_events', O>;

/**
 * Every filter is an equality (or a range on occurred_at) on the leading column of an index that ends
 * in (occurred_at, id): migration 0005. `target` matches either column and is applied per branch.
 */
function withFilters<O>(db: Kysely<Database>, query: EventsQuery<O>, filters: AuditFilters): EventsQuery<O> {
  let base = query;
  if (filters.type?.endsWith('.*')) {
    base = base.where(sql<boolean>`${familyExpression(db)} = ${filters.type.slice(0, -2)}`);
  } else if (filters.type) {
    base = base.where('type', '=', filters.type);
  }
  if (filters.actor) base = base.where('actor_username', '=', filters.actor.toLowerCase());
  if (filters.outcome) base = base.where('outcome', '=', filters.outcome);
  if (filters.from !== undefined) base = base.where('occurred_at', '>=', filters.from);
  if (filters.to !== undefined) base = base.where('occurred_at', '<', filters.to);
  return base;
}

type Direction = 'older' | 'newer';

/** `limit` rows after `from` in the given direction, read in index order (newest first for "older"). */
function branch(
  db: Kysely<Database>,
  filters: AuditFilters,
  options: { from?: AuditPosition | undefined; direction: Direction; limit: number },
  target?: 'target_id' | 'target_label',
) {
  const order = options.direction === 'older' ? 'desc' : 'asc';
  let query = withFilters(db, db.selectFrom('audit_events').selectAll(), filters);
  if (target) query = query.where(target, '=', filters.target ?? '');
  const from = options.from;
  if (from) {
    query = query.where((eb) =>
      eb(eb.refTuple('occurred_at', 'id'), options.direction === 'older' ? '<' : '>', eb.tuple(from.at, from.id)),
    );
  }
  return query.orderBy('occurred_at', order).orderBy('id', order).limit(options.limit);
}

/**
 * Up to `limit` rows from `from` (exclusive) in the direction asked. A target filter reads its two
 * indexes (target id, target label) each in order, and merges the two short lists: no sort of all matches.
 */
export function auditRowsQuery(
  db: Kysely<Database>,
  filters: AuditFilters,
  options: { from?: AuditPosition | undefined; direction: Direction; limit: number },
) {
  if (!filters.target) return branch(db, filters, options);
  const order = options.direction === 'older' ? 'desc' : 'asc';
  const byId = db.selectFrom(branch(db, filters, options, 'target_id').as('by_id')).selectAll();
  const byLabel = db.selectFrom(branch(db, filters, options, 'target_label').as('by_label')).selectAll();
  return db
    .selectFrom(byId.union(byLabel).as('matches'))
    .selectAll()
    .orderBy('occurred_at', order)
    .orderBy('id', order)
    .limit(options.limit);
}

export function readAuditRows(
  db: Kysely<Database>,
  filters: AuditFilters,
  options: { from?: AuditPosition | undefined; direction: Direction; limit: number },
): Promise<AuditRow[]> {
  return auditRowsQuery(db, filters, options).execute();
}

/**
 * How many records match: exactly up to `cap` (reading at most cap + 1 index entries), else "more
 * than cap". With no cap, a full count (what `count=exact` asks for).
 */
/** The rows counted by countAuditRows: at most cap + 1 ids when capped. */
export function auditCountQuery(db: Kysely<Database>, filters: AuditFilters, cap?: number) {
  const ids = (target?: 'target_id' | 'target_label') => {
    let query = withFilters(db, db.selectFrom('audit_events').select('id'), filters);
    if (target) query = query.where(target, '=', filters.target ?? '');
    return cap === undefined ? query : query.limit(cap + 1);
  };
  const matches = filters.target
    ? db
        .selectFrom(ids('target_id').as('by_id'))
        .select('id')
        .union(db.selectFrom(ids('target_label').as('by_label')).select('id'))
    : ids();
  return db.selectFrom(matches.as('matches')).select((eb) => eb.fn.countAll<number>().as('n'));
}

export async function countAuditRows(
  db: Kysely<Database>,
  filters: AuditFilters,
  cap?: number,
): Promise<{ value: number; exact: boolean }> {
  const n = Number((await auditCountQuery(db, filters, cap).executeTakeFirstOrThrow()).n);
  return cap !== undefined && n > cap ? { value: cap, exact: false } : { value: n, exact: true };
}

/**
 * An exact count that never holds SQLite's (synchronous) event loop for long: it walks the matches
 * in (occurred_at, id) order `step` index entries at a time, yielding between steps. PostgreSQL
 * counts in one statement (its work does not run on the event loop).
 */
export async function countAuditRowsInSteps(
  db: Kysely<Database>,
  filters: AuditFilters,
  step = 20_000,
  pause: () => Promise<unknown> = () => new Promise((resolve) => setImmediate(resolve)),
): Promise<number> {
  if (isPostgres(db) || filters.target) return (await countAuditRows(db, filters)).value;
  let total = 0;
  let from: AuditPosition | undefined;
  for (;;) {
    let query = withFilters(db, db.selectFrom('audit_events').select(['occurred_at', 'id']), filters);
    const after = from;
    if (after) query = query.where((eb) => eb(eb.refTuple('occurred_at', 'id'), '>', eb.tuple(after.at, after.id)));
    const boundary = await query
      .orderBy('occurred_at')
      .orderBy('id')
      .offset(step - 1)
      .limit(1)
      .executeTakeFirst();
    if (!boundary) {
      const rest = await db
        .selectFrom(query.select(sql<number>`1`.as('one')).as('rest'))
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return total + Number(rest.n);
    }
    total += step;
    from = { at: boundary.occurred_at, id: Number(boundary.id) };
    await pause();
  }
}
