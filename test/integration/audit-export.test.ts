import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditListResponse, AuditRecordView } from '../../src/shared/api/audit.ts';
import { seedAuditEvents } from '../helpers/audit-seed.ts';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, listen, startTestPortal, type TestPortal } from '../helpers/portal.ts';

/** Enough text (≈ 30 MB) that the export cannot finish into socket buffers while nobody reads. */
const STREAM_ROWS = 30_000;
const PADDING = 'x'.repeat(900);

function get(url: string, cookie: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { cookie } }, resolve);
    request.on('error', reject);
    request.end();
  });
}

/** Waits for the first `bytes` of a response, then stops reading (the socket applies backpressure). */
function readFirst(response: IncomingMessage, bytes: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.length >= bytes) {
        response.pause();
        response.off('data', onData);
        resolve(text);
      }
    };
    response.on('data', onData);
  });
}

function readRest(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    response.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    response.on('end', () => resolve(text));
    response.on('error', reject);
    response.resume();
  });
}

const exportRecords = async (portal: TestPortal) =>
  (await auditRows(portal, 'audit.exported')).map((row) => JSON.parse(row.details ?? '{}'));

describe.each(ENGINES)('audit export on %s', (engine) => {
  let portal: TestPortal;
  let admin: TestClient;
  let baseUrl: string;

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'auditor', { role: 'administrator' });
    admin = createClient(portal.fastify);
    await admin.signIn('auditor', STRONG_PASSWORD);
    baseUrl = await listen(portal);
  });
  afterAll(() => portal.close());

  const cookie = () => [...admin.jar].map(([name, value]) => `${name}=${value}`).join('; ');

  it('exports JSON Lines with the same records as the API, filters applied, and records the export', async () => {
    await seedAuditEvents(portal, 40, (index) => ({
      type: index % 2 ? 'login.failed' : 'user.created',
      details: JSON.stringify({ username: `u${index}`, note: 'ünïcode "quoted"' }),
    }));
    const response = await admin.get('/api/admin/audit/export.jsonl?type=login.failed');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="portcullis-audit-\d{4}-\d{2}-\d{2}\.jsonl"$/,
    );
    const lines = response.body.trimEnd().split('\n');
    const records = lines.map((line) => JSON.parse(line) as AuditRecordView);
    const api = (await admin.get('/api/admin/audit?type=login.failed&pageSize=200')).json<AuditListResponse>();
    expect(records).toEqual(api.items);
    expect(records).toHaveLength(20);
    expect(records[0]?.details).toEqual({ username: 'u39', note: 'ünïcode "quoted"' });
    expect((await exportRecords(portal)).at(-1)).toEqual({
      rows: 20,
      filters: { type: 'login.failed' },
      format: 'jsonl',
      completed: true,
    });
    const [row] = (await auditRows(portal, 'audit.exported')).slice(-1);
    expect(row?.actor_username).toBe('auditor');
  });

  it('exports CSV, every field quoted, the details as their JSON', async () => {
    const response = await admin.get('/api/admin/audit/export.csv?type=login.failed&outcome=success');
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = response.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '"id","occurred_at","type","outcome","actor","target_type","target_id","target","ip","user_agent","reason","request_id","details"',
    );
    expect(lines).toHaveLength(21);
    expect(lines[1]).toContain('"{""username"":""u39"",""note"":""ünïcode \\""quoted\\""""}"');
    expect((await exportRecords(portal)).at(-1)).toMatchObject({ rows: 20, format: 'csv', completed: true });
  });

  it('streams: the first rows arrive while the export is still reading, and it waits for a slow reader', async () => {
    await seedAuditEvents(portal, STREAM_ROWS, (index) => ({
      type: 'session.signed_out',
      user_agent: `${PADDING}${index}`,
    }));
    const before = (await exportRecords(portal)).length;
    const response = await get(`${baseUrl}/api/admin/audit/export.jsonl?type=session.signed_out`, cookie());
    expect(response.statusCode).toBe(200);
    const head = await readFirst(response, 10_000);
    const first = JSON.parse(head.split('\n')[0] ?? '') as AuditRecordView;
    expect(first.userAgent).toBe(`${PADDING}${STREAM_ROWS - 1}`);
    // Nobody reads: the export must be waiting, not done (it writes its record when it ends).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await exportRecords(portal)).toHaveLength(before);
    const rest = await readRest(response);
    expect((head + rest).trimEnd().split('\n')).toHaveLength(STREAM_ROWS);
    expect((await exportRecords(portal)).at(-1)).toMatchObject({ rows: STREAM_ROWS, completed: true });
  });

  it('records an export the reader abandoned, with the rows sent and completed: false', async () => {
    const before = (await exportRecords(portal)).length;
    const response = await get(`${baseUrl}/api/admin/audit/export.csv?type=session.signed_out`, cookie());
    await readFirst(response, 10_000);
    response.destroy();
    for (let wait = 0; wait < 100 && (await exportRecords(portal)).length === before; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const record = (await exportRecords(portal)).at(-1);
    expect(record).toMatchObject({ format: 'csv', completed: false, filters: { type: 'session.signed_out' } });
    expect(record.rows).toBeLessThan(STREAM_ROWS);
  });

  it('is for administrators only', async () => {
    await seedUser(portal, 'plain');
    const user = createClient(portal.fastify);
    await user.signIn('plain', STRONG_PASSWORD);
    expect((await user.get('/api/admin/audit/export.jsonl')).status).toBe(403);
    expect((await createClient(portal.fastify).get('/api/admin/audit/export.csv')).status).toBe(401);
  });
});
