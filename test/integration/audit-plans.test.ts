/**
 * The audit queries are served by their indexes, on both engines, checked by the planner itself
 * (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL) rather than hoped for: each filter reads its
 * own index in sort order, so a page never scans the table or sorts every match. The timings at 1 M
 * events are in bench/ (npm run bench:audit).
 */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditFilters, auditCountQuery, auditRowsQuery } from '../../src/server/audit/audit-query.ts';
import type { Database } from '../../src/server/db/schema.ts';
import { seedAuditEvents } from '../helpers/audit-seed.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

/** The middle of the seeded records (they end at the test clock's start). */
const AT = Date.UTC(2026, 10, 27, 9) - 1_000_000;
const CURSOR = { at: AT, id: 500 };

/** Each filter, and the index that must serve it (with the sort key (occurred_at, id) after it). */
const CASES: Array<{ name: string; filters: AuditFilters; index: string | string[] }> = [
  { name: 'no filter', filters: {}, index: 'audit_events_time' },
  { name: 'date range', filters: { from: AT - 60_000, to: AT }, index: 'audit_events_time' },
  { name: 'event', filters: { type: 'login.failed' }, index: 'audit_events_type_time' },
  { name: 'event family', filters: { type: 'login.*' }, index: 'audit_events_family_time' },
  { name: 'actor', filters: { actor: 'user7' }, index: 'audit_events_actor_time' },
  { name: 'outcome', filters: { outcome: 'failure' }, index: 'audit_events_outcome_time' },
  {
    name: 'target (id or label)',
    filters: { target: 'user7' },
    index: ['audit_events_target_id_time', 'audit_events_target_label_time'],
  },
  {
    name: 'event and date range',
    filters: { type: 'login.failed', from: AT - 500_000 },
    index: 'audit_events_type_time',
  },
];

async function sqlitePlan(db: Kysely<Database>, query: CompiledQuery): Promise<string[]> {
  const result = await db.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
  );
  return result.rows.map((row) => row.detail);
}

interface PgNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PgNode[];
}

function flatten(node: PgNode, parents: string[] = []): Array<PgNode & { parents: string[] }> {
  return [
    { ...node, parents },
    ...(node.Plans ?? []).flatMap((child) => flatten(child, [...parents, node['Node Type']])),
  ];
}

/** With sequential scans and sorts priced out, a Seq Scan or a Sort left in the plan has no index path. */
async function postgresPlan(db: Kysely<Database>, query: CompiledQuery) {
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    await sql`set local enable_sort = off`.execute(trx);
    const result = await trx.executeQuery<{ 'QUERY PLAN': Array<{ Plan: PgNode }> }>(
      CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
    );
    const plan = result.rows[0]?.['QUERY PLAN'][0]?.Plan;
    if (!plan) throw new Error('no plan');
    return flatten(plan);
  });
}

describe.each(ENGINES)('audit query plans on %s', (engine) => {
  let portal: TestPortal;
  let db: Kysely<Database>;

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    db = portal.services.storage.db;
    // Each filtered value is rare (1 row in 50), as an actor or a failure is among a million records:
    // the planner then prefers the filter's index, as it does at scale.
    await seedAuditEvents(portal, 2000, (index) =>
      index % 50 === 7
        ? { type: 'login.failed', outcome: 'failure', actor_username: 'user7', target_id: '7', target_label: 'user7' }
        : { type: 'session.signed_out', actor_username: 'bulk', target_id: '1', target_label: 'bulk' },
    );
    if (engine === 'postgres') await sql`analyze audit_events`.execute(db);
  });
  afterAll(() => portal.close());

  for (const { name, filters, index } of CASES) {
    const indexes = Array.isArray(index) ? index : [index];
    for (const from of [undefined, CURSOR]) {
      const label = `${name}${from ? ', from a cursor' : ''}`;
      it(`a page by ${label} reads ${indexes.join(' and ')} in order`, async () => {
        const query = auditRowsQuery(db, filters, { from, direction: 'older', limit: 51 }).compile();
        if (engine === 'sqlite') {
          const plan = await sqlitePlan(db, query);
          for (const used of indexes) expect(plan.join('\n')).toContain(`USING INDEX ${used}`);
          expect(plan.filter((step) => /^SCAN audit_events$/.test(step))).toEqual([]);
          // The target filter merges two lists of at most 51 rows; everything else needs no sort at all.
          if (indexes.length === 1) expect(plan.join('\n')).not.toContain('TEMP B-TREE');
        } else {
          const nodes = await postgresPlan(db, query);
          const scans = nodes.filter((node) => node['Relation Name'] === 'audit_events');
          expect(scans.map((node) => node['Node Type'])).not.toContain('Seq Scan');
          expect(new Set(scans.map((node) => node['Index Name']))).toEqual(new Set(indexes));
          for (const node of nodes.filter((each) => each['Node Type'] === 'Sort')) {
            // Only the merge of the two limited target lists may sort.
            expect(indexes.length).toBe(2);
            expect(node.parents.length).toBeLessThanOrEqual(1);
          }
          for (const scan of scans) expect(scan.parents).toContain('Limit');
        }
      });
    }

    it(`the capped count by ${name} reads at most 1,001 entries of ${indexes.join(' and ')}`, async () => {
      const query = auditCountQuery(db, filters, 1000).compile();
      if (engine === 'sqlite') {
        const plan = await sqlitePlan(db, query);
        for (const used of indexes) expect(plan.join('\n')).toMatch(new RegExp(`USING (COVERING )?INDEX ${used}`));
        expect(plan.filter((step) => /^SCAN audit_events$/.test(step))).toEqual([]);
      } else {
        const nodes = await postgresPlan(db, query);
        const scans = nodes.filter((node) => node['Relation Name'] === 'audit_events');
        expect(scans.map((node) => node['Node Type'])).not.toContain('Seq Scan');
        for (const scan of scans) expect(scan.parents).toContain('Limit');
      }
    });
  }
});
