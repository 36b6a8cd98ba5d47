import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/server/audit/audit-log.ts';
import { countAuditRows, countAuditRowsInSteps } from '../../src/server/audit/audit-query.ts';
import type { AuditListResponse } from '../../src/shared/api/audit.ts';
import { type SeedEvent, seedAuditEvents } from '../helpers/audit-seed.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

type ErrorBody = { error: { code: string; fields?: Record<string, string> } };

/** Every page from the first, following `next`. */
async function allPages(admin: TestClient, query: string, pageSize = 7): Promise<AuditListResponse[]> {
  const pages: AuditListResponse[] = [];
  let url = `/api/admin/audit?${query}${query ? '&' : ''}pageSize=${pageSize}`;
  for (;;) {
    const response = await admin.get(url);
    expect(response.status, response.body).toBe(200);
    const page = response.json<AuditListResponse>();
    pages.push(page);
    if (!page.next) return pages;
    url = `/api/admin/audit?${query}${query ? '&' : ''}pageSize=${pageSize}&after=${page.next}`;
  }
}

const idsOf = (pages: AuditListResponse[]) => pages.flatMap((page) => page.items.map((item) => item.id));

describe.each(ENGINES)('audit log paging on %s', (engine) => {
  let portal: TestPortal;
  let admin: TestClient;
  /** The seeded records as the test wrote them, to compute what each filter must return. */
  const seeded: Array<SeedEvent & { id: number }> = [];

  const expected = (keep: (row: SeedEvent) => boolean) =>
    seeded
      .filter(keep)
      .sort((a, b) => (b.occurred_at ?? 0) - (a.occurred_at ?? 0) || b.id - a.id)
      .map((row) => row.id);

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'auditor', { role: 'administrator' });
    admin = createClient(portal.fastify);
    await admin.signIn('auditor', STRONG_PASSWORD);
    const base = portal.clock() - 10 * 86_400_000;
    const types = ['login.failed', 'login.succeeded', 'user.created', 'mfa_provider.updated', 'login.mfa_failed'];
    // Three records share each timestamp, so pages must break ties by id.
    await seedAuditEvents(portal, 150, (index) => ({
      occurred_at: base + Math.floor(index / 3) * 3_600_000,
      type: types[index % types.length] ?? 'login.failed',
      outcome: index % 4 === 0 ? 'failure' : 'success',
      actor_username: index % 6 === 0 ? 'alice' : 'bob',
      target_id: index % 25 === 1 ? 'same' : String(index % 5),
      // Some records carry the value in both columns: they must still be listed once.
      target_label: index % 25 === 1 ? 'same' : index % 5 === 0 ? 'carol' : `user${index % 5}`,
    }));
    const rows = await portal.services.storage.db
      .selectFrom('audit_events')
      .selectAll()
      .where('user_agent', '=', 'seed')
      .execute();
    seeded.push(...rows.map((row) => ({ ...row, id: Number(row.id) })));
  });
  afterAll(() => portal.close());

  it('pages newest first by (time, id), ties split across pages, no repeats, none missed', async () => {
    const pages = await allPages(admin, '', 7);
    const seen = idsOf(pages).filter((id) => seeded.some((row) => row.id === id));
    expect(seen).toEqual(expected(() => true));
    expect(new Set(idsOf(pages)).size).toBe(idsOf(pages).length);
    expect(pages[0]?.previous).toBeNull();
    expect(pages.at(-1)?.next).toBeNull();
  });

  it('stays stable while records are written between pages: new ones appear only by going back', async () => {
    const baseline = idsOf(await allPages(admin, 'type=login.*', 10));
    const writer = createAuditLog(portal.services.storage.db);
    const write = () =>
      writer.record(
        { type: 'login.failed', outcome: 'failure', reason: 'wrong_password', details: { username: 'mallory' } },
        { actor: null, ip: '198.51.100.9', userAgent: 'paging-test', requestId: null },
        portal.clock(),
      );
    let page = (await admin.get('/api/admin/audit?type=login.*&pageSize=10')).json<AuditListResponse>();
    const first = page;
    const collected = page.items.map((item) => item.id);
    let written = 0;
    while (page.next) {
      // Meanwhile people keep signing in: two new login records per page read.
      await write();
      await write();
      written += 2;
      page = (await admin.get(`/api/admin/audit?type=login.*&pageSize=10&after=${page.next}`)).json();
      collected.push(...page.items.map((item) => item.id));
    }
    expect(collected).toEqual(baseline);

    // Back up from the second page: the first page again, and now a "previous" holding the new records.
    const second = (
      await admin.get(`/api/admin/audit?type=login.*&pageSize=10&after=${first.next}`)
    ).json<AuditListResponse>();
    const again = (
      await admin.get(`/api/admin/audit?type=login.*&pageSize=10&before=${second.previous}`)
    ).json<AuditListResponse>();
    expect(again.items.map((item) => item.id)).toEqual(baseline.slice(0, 10));
    expect(again.next).toBe(first.next);
    expect(again.previous).not.toBeNull();
    const newest = (
      await admin.get(`/api/admin/audit?type=login.*&pageSize=50&before=${again.previous}`)
    ).json<AuditListResponse>();
    expect(newest.items).toHaveLength(written);
    expect(newest.items.every((item) => item.userAgent === 'paging-test')).toBe(true);
    expect(newest.previous).toBeNull();
  });

  it('walks back from the last page to the first with previous', async () => {
    const forward = await allPages(admin, 'outcome=failure', 6);
    const backward: number[][] = [];
    let page = forward.at(-1);
    while (page) {
      backward.unshift(page.items.map((item) => item.id));
      if (!page.previous) break;
      page = (await admin.get(`/api/admin/audit?outcome=failure&pageSize=6&before=${page.previous}`)).json();
    }
    expect(backward.flat()).toEqual(idsOf(forward));
  });

  const FILTERS: Array<[string, (row: SeedEvent) => boolean]> = [
    ['type=login.failed', (row) => row.type === 'login.failed'],
    ['type=login.*', (row) => row.type?.startsWith('login.') ?? false],
    ['type=mfa_provider.*', (row) => row.type?.startsWith('mfa_provider.') ?? false],
    ['actor=ALICE', (row) => row.actor_username === 'alice'],
    ['target=carol', (row) => row.target_label === 'carol'],
    ['target=3', (row) => row.target_id === '3'],
    ['target=0', (row) => row.target_id === '0'],
    ['target=same', (row) => row.target_id === 'same'],
    ['outcome=failure', (row) => row.outcome === 'failure'],
    ['outcome=success', (row) => row.outcome === 'success'],
  ];
  for (const [query, keep] of FILTERS) {
    it(`filters by ${query}, over every page`, async () => {
      const pages = await allPages(admin, query, 9);
      const ids = idsOf(pages);
      expect(ids.filter((id) => seeded.some((row) => row.id === id))).toEqual(expected(keep));
      expect(pages[0]?.count).toEqual({ value: ids.length, exact: true });
    });
  }

  it('filters by date range (from included, to excluded) and combines filters', async () => {
    const at = (index: number) => seeded.find((row) => row.id === seeded[index]?.id)?.occurred_at ?? 0;
    const from = at(30);
    const to = at(90);
    const range = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const seededIds = (pages: AuditListResponse[]) => idsOf(pages).filter((id) => seeded.some((row) => row.id === id));
    expect(seededIds(await allPages(admin, range))).toEqual(
      expected((row) => (row.occurred_at ?? 0) >= from && (row.occurred_at ?? 0) < to),
    );
    const combined = `${range}&type=login.*&actor=bob&outcome=success`;
    expect(seededIds(await allPages(admin, combined, 4))).toEqual(
      expected(
        (row) =>
          (row.occurred_at ?? 0) >= from &&
          (row.occurred_at ?? 0) < to &&
          (row.type?.startsWith('login.') ?? false) &&
          row.actor_username === 'bob' &&
          row.outcome === 'success',
      ),
    );
  });

  it('counts exactly up to 1,000 and says "more than 1,000" beyond, unless an exact count is asked for', async () => {
    await seedAuditEvents(portal, 1100, () => ({ type: 'setup.completed' }));
    const estimate = (await admin.get('/api/admin/audit?type=setup.completed&pageSize=5')).json<AuditListResponse>();
    expect(estimate.count).toEqual({ value: 1000, exact: false });
    const exact = (
      await admin.get('/api/admin/audit?type=setup.completed&pageSize=5&count=exact')
    ).json<AuditListResponse>();
    expect(exact.count).toEqual({ value: 1100, exact: true });
  });

  it('counts exactly in small steps (what keeps a large count from holding the event loop) as in one go', async () => {
    const db = portal.services.storage.db;
    for (const filters of [
      {},
      { type: 'login.*' },
      { outcome: 'failure' as const },
      { to: seeded[40]?.occurred_at ?? 0 },
    ]) {
      const whole = await countAuditRows(db, filters);
      for (const step of [1, 7, 1000])
        expect(await countAuditRowsInSteps(db, filters, step), JSON.stringify(filters)).toBe(whole.value);
    }
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['after=12345', 'after'],
      ['before=1.2.3', 'before'],
      ['after=1.1&before=2.2', 'before'],
      ['from=yesterday', 'from'],
      ['from=2026-02-01&to=2026-01-01', 'to'],
      ['pageSize=0', 'pageSize'],
      ['pageSize=201', 'pageSize'],
      ['page=2', 'page'],
      ['type=DROP%20TABLE', 'type'],
      [`target=${'x'.repeat(129)}`, 'target'],
      ['count=maybe', 'count'],
      ['outcome=maybe', 'outcome'],
    ];
    for (const [query, field] of cases) {
      const response = await admin.get(`/api/admin/audit?${query}`);
      expect(response.status, query).toBe(400);
      const body = response.json<ErrorBody>();
      expect(body.error.code, query).toBe('VALIDATION_FAILED');
      expect(Object.keys(body.error.fields ?? {}), query).toContain(field);
    }
    for (const path of ['/api/admin/audit/export.csv?from=nope', '/api/admin/audit/export.jsonl?page=1']) {
      expect((await admin.get(path)).status, path).toBe(400);
    }
  });
});
