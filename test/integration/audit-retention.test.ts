/**
 * Retention: archive the records older than N days, then prune exactly those. The prune is the one
 * delete the database lets through (ADR 0013): every other DELETE or UPDATE of audit records is still
 * refused by the triggers, on both engines.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveChunks } from '../../src/server/audit/retention.ts';
import type { ArchiveView, RetentionPreview } from '../../src/shared/api/audit-retention.ts';
import { seedAuditEvents } from '../helpers/audit-seed.ts';
import { auditRows, STRONG_PASSWORD, SYSTEM_CONTEXT, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

const DAY = 86_400_000;
type ErrorBody = { error: { code: string; fields?: Record<string, string>; details?: Record<string, unknown> } };

describe.each(ENGINES)('audit retention on %s', (engine) => {
  let portal: TestPortal;
  let admin: TestClient;

  const count = async (where?: (row: { occurred_at: number }) => boolean) => {
    const rows = await portal.services.storage.db.selectFrom('audit_events').select('occurred_at').execute();
    return where ? rows.filter(where).length : rows.length;
  };
  const archives = async () => (await admin.get('/api/admin/audit/archives')).json<{ items: ArchiveView[] }>().items;

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'admin', { role: 'administrator' });
    admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    const now = portal.clock();
    // 120 records spread over the last 120 days, one a day.
    await seedAuditEvents(portal, 120, (index) => ({ occurred_at: now - (120 - index) * DAY + 3_600_000 }));
  });
  afterAll(() => portal.close());

  it('previews what is older than N days, and refuses a bad number of days', async () => {
    const preview = (await admin.get('/api/admin/audit/retention?olderThanDays=90')).json<RetentionPreview>();
    expect(preview).toMatchObject({ olderThanDays: 90, records: 30, unforwarded: 0 });
    expect(Date.parse(preview.cutoff)).toBe(Math.floor((portal.clock() - 90 * DAY) / 1000) * 1000);
    for (const days of ['0', 'abc', '1.5', '40000']) {
      const response = await admin.get(`/api/admin/audit/retention?olderThanDays=${days}`);
      expect(response.status, days).toBe(400);
      expect(response.json<ErrorBody>().error.fields?.olderThanDays, days).toBeDefined();
    }
  });

  it('the database refuses to delete or change records outside a prune, even old ones', async () => {
    const db = portal.services.storage.db;
    const cutoff = portal.clock() - 90 * DAY;
    await expect(db.deleteFrom('audit_events').where('occurred_at', '<', cutoff).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.updateTable('audit_events').set({ reason: 'x' }).execute()).rejects.toThrow(/append-only/);
    if (engine === 'postgres') await expect(sql`truncate audit_events`.execute(db)).rejects.toThrow(/append-only/);
    // A window lets through the rows older than its cutoff, and not one row more.
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('audit_prune_window').values({ archive_id: 999, cutoff }).execute();
        await trx.deleteFrom('audit_events').where('occurred_at', '>=', cutoff).execute();
      }),
    ).rejects.toThrow(/append-only/);
    expect(await count()).toBeGreaterThanOrEqual(120);
  });

  it('an archive read only in part makes no archive, and is recorded as an incomplete export', async () => {
    const chunks = archiveChunks(
      { db: portal.services.storage.db, clock: portal.clock },
      { cutoff: portal.clock() - 90 * DAY, format: 'jsonl', context: SYSTEM_CONTEXT },
    );
    const first = await chunks.next();
    expect(first.done).toBe(false);
    await chunks.return(undefined); // what a closed download does to the stream
    expect(JSON.parse((await auditRows(portal, 'audit.exported')).at(-1)?.details ?? '{}')).toMatchObject({
      completed: false,
      filters: { purpose: 'archive' },
    });
    expect(await archives()).toEqual([]);
  });

  it('archives the records older than N days (recorded with their count and SHA-256), then prunes exactly those', async () => {
    const download = await admin.get('/api/admin/audit/archive.jsonl?olderThanDays=90');
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toMatch(
      /^attachment; filename="portcullis-audit-archive-before-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.jsonl"$/,
    );
    const lines = download.body.trimEnd().split('\n');
    expect(lines).toHaveLength(30);
    const [archive] = await archives();
    expect(archive).toMatchObject({
      records: 30,
      format: 'jsonl',
      sha256: createHash('sha256').update(download.body).digest('hex'),
      createdBy: 'admin',
      prunedAt: null,
    });
    const cutoff = Date.parse(archive?.cutoff ?? '');
    expect(lines.every((line) => Date.parse(JSON.parse(line).occurredAt) < cutoff)).toBe(true);
    expect((await auditRows(portal, 'audit.archived')).at(-1)).toMatchObject({ actor_username: 'admin' });

    const before = await count();
    const pruned = await admin.post(`/api/admin/audit/archives/${archive?.id}/prune`);
    expect(pruned.json()).toEqual({ archiveId: archive?.id, pruned: 30 });
    expect(await count((row) => row.occurred_at < cutoff)).toBe(0);
    expect(await count()).toBe(before - 30 + 1); // plus the audit.pruned record itself
    const record = (await auditRows(portal, 'audit.pruned')).at(-1);
    expect(record?.actor_username).toBe('admin');
    expect(JSON.parse(record?.details ?? '{}')).toEqual({ archiveId: archive?.id, cutoff: archive?.cutoff, rows: 30 });
    expect((await archives())[0]).toMatchObject({ prunedRecords: 30, prunedBy: 'admin' });
    expect(await portal.services.storage.db.selectFrom('audit_prune_window').selectAll().execute()).toEqual([]);

    const again = await admin.post(`/api/admin/audit/archives/${archive?.id}/prune`);
    expect(again.json<ErrorBody>().error.code).toBe('ARCHIVE_ALREADY_PRUNED');
    expect((await admin.post('/api/admin/audit/archives/999/prune')).json<ErrorBody>().error.code).toBe(
      'ARCHIVE_NOT_FOUND',
    );
  });

  it('refuses to prune when the old records changed since the archive (a late, back-dated record)', async () => {
    await admin.get('/api/admin/audit/archive.csv?olderThanDays=60');
    const [archive] = await archives();
    expect(archive).toMatchObject({ records: 30, format: 'csv' });
    await seedAuditEvents(portal, 1, () => ({ occurred_at: portal.clock() - 100 * DAY }));
    const refused = await admin.post(`/api/admin/audit/archives/${archive?.id}/prune`);
    expect(refused.status).toBe(409);
    expect(refused.json<ErrorBody>().error).toMatchObject({
      code: 'ARCHIVE_OUTDATED',
      details: { archived: 30, now: 31 },
    });
    expect(await count((row) => row.occurred_at < Date.parse(archive?.cutoff ?? ''))).toBe(31);
  });

  it('refuses to prune records a forwarding destination has not received yet', async () => {
    const created = await admin.post('/api/admin/audit/destinations', {
      kind: 'webhook',
      name: 'unreachable',
      url: 'https://receiver.invalid/events',
      hmacKey: 'h'.repeat(40),
    });
    expect(created.status).toBe(201);
    await seedAuditEvents(portal, 2, () => ({ occurred_at: portal.clock() - 70 * DAY }));
    expect((await admin.get('/api/admin/audit/retention?olderThanDays=60')).json<RetentionPreview>().unforwarded).toBe(
      2,
    );
    await admin.get('/api/admin/audit/archive.jsonl?olderThanDays=60');
    const [archive] = await archives();
    const refused = await admin.post(`/api/admin/audit/archives/${archive?.id}/prune`);
    expect(refused.json<ErrorBody>().error).toMatchObject({ code: 'PRUNE_UNFORWARDED', details: { unforwarded: 2 } });
    await admin.raw('DELETE', `/api/admin/audit/destinations/${created.json<{ id: number }>().id}`);
    expect((await admin.post(`/api/admin/audit/archives/${archive?.id}/prune`)).json()).toMatchObject({ pruned: 33 });
  });

  it('a prune needs a fresh sign-in', async () => {
    await admin.get('/api/admin/audit/archive.jsonl?olderThanDays=30');
    const [archive] = await archives();
    portal.clock.advance((portal.config.session.freshMinutes + 1) * 60_000);
    const refused = await admin.post(`/api/admin/audit/archives/${archive?.id}/prune`);
    expect(refused.json<ErrorBody>().error.code).toBe('REAUTH_REQUIRED');
    expect((await archives())[0]?.prunedAt).toBeNull();
  });
});
