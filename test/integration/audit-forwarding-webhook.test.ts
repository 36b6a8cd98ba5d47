/**
 * Forwarding to an HTTPS webhook from the durable outbox: every event committed after the destination
 * was added arrives once, signed, through receiver errors, a receiver that is gone, and a portal
 * restart in the middle of a backlog.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditListResponse } from '../../src/shared/api/audit.ts';
import type { DestinationView } from '../../src/shared/api/audit-forwarding.ts';
import { seedAuditEvents } from '../helpers/audit-seed.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import {
  destination,
  expectEachDeliveredOnce,
  failing,
  outboxSize,
  skipBackoff,
  until,
} from '../helpers/forwarding.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { createTestDatabase, ENGINES, startTestPortal, type TestPortal, testClock } from '../helpers/portal.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

const HMAC_KEY = 'webhook-signing-key-for-the-tests-0123456789';

describe.each(ENGINES)('audit forwarding to a webhook on %s', (engine) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-forwarding-'));
  const clock = testClock();
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let portal: TestPortal;
  let admin: TestClient;
  let receiver: WebhookReceiver;
  let destinationId: number;

  const open = async () => {
    portal = await startTestPortal(engine, { databaseUrl: database.url, dataDir, clock });
    admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
  };
  const received = () => receiver.deliveries.filter((each) => !each.body.test).map((each) => each.body.id);
  const allDeliveredOnce = () => expectEachDeliveredOnce(portal, received, firstId);
  let firstId = 0;

  beforeAll(async () => {
    database = await createTestDatabase(engine, dataDir);
    receiver = await startWebhookReceiver(HMAC_KEY);
    await open();
    await seedUser(portal, 'admin', { role: 'administrator' });
    await admin.signIn('admin', STRONG_PASSWORD);
  });
  afterAll(async () => {
    await portal?.close();
    await receiver.stop();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers, from its own creation on, every event: signed, with its id, the record as the API shows it', async () => {
    const created = await admin.post('/api/admin/audit/destinations', {
      kind: 'webhook',
      name: 'SIEM',
      url: receiver.url,
      caPem: receiver.caPem,
      hmacKey: HMAC_KEY,
    });
    expect(created.status, created.body).toBe(201);
    destinationId = created.json<DestinationView>().id;
    const [first] = await receiver.waitFor((deliveries) => deliveries.length >= 1);
    expect(first?.body).toMatchObject({ type: 'audit_destination.created', targetLabel: 'SIEM' });
    firstId = first?.body.id ?? 0;

    await createClient(portal.fastify).signIn('admin', 'wrong-password-here');
    await seedAuditEvents(portal, 60, (index) => ({
      type: 'login.succeeded',
      details: JSON.stringify({ n: index, name: 'Zoë' }),
    }));
    await allDeliveredOnce();
    expect(receiver.deliveries.every((each) => each.verified && each.eventId === String(each.body.id))).toBe(true);
    const failed = receiver.deliveries.find((each) => each.body.type === 'login.failed');
    const api = (await admin.get('/api/admin/audit?type=login.failed')).json<AuditListResponse>();
    expect(failed?.body).toEqual(api.items[0]);
    expect(receiver.deliveries.at(-1)?.body.details).toEqual({ n: 59, name: 'Zoë' });
    const status = (await destination(admin, destinationId)).status;
    expect(status).toMatchObject({ state: 'ok', backlog: { value: 0, exact: true }, failures: 0 });
    expect(status.lastDeliveredEventId).toBe(Math.max(...received()));
  });

  it('keeps events while the receiver answers 503, retries with back-off, then delivers them once', async () => {
    receiver.answer(503);
    await seedAuditEvents(portal, 15, () => ({ type: 'user.updated' }));
    const status = await failing(admin, destinationId);
    expect(status.lastError).toBe('the receiver answered HTTP 503');
    expect(status.backlog.value).toBeGreaterThanOrEqual(15);
    expect(Date.parse(status.nextAttemptAt ?? '')).toBeGreaterThan(portal.clock());
    // Backing off: no new attempt until the next one is due.
    const refusedSoFar = receiver.refused;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.refused).toBe(refusedSoFar);
    receiver.answer(200);
    skipBackoff(portal);
    await allDeliveredOnce();
  });

  it('keeps events while the receiver is gone altogether, then delivers them once', async () => {
    await receiver.stop();
    await seedAuditEvents(portal, 15, () => ({ type: 'session.signed_out' }));
    expect((await failing(admin, destinationId)).lastError).toBe(
      'the connection was refused (is the receiver running and listening on that port?)',
    );
    await receiver.start();
    skipBackoff(portal);
    await allDeliveredOnce();
  });

  it('survives a portal restart in the middle of a backlog: nothing lost, nothing sent twice', async () => {
    receiver.delayMs = 5; // slow enough that the restart happens while deliveries are under way
    await seedAuditEvents(portal, 300, () => ({ type: 'login.succeeded' }));
    await until('the first deliveries of the backlog', async () => (await outboxSize(portal)) < 290);
    await portal.close(); // graceful: the request in flight finishes, the rest of the claim is released
    await open();
    const pending = await outboxSize(portal);
    expect(pending).toBeGreaterThan(0);
    expect(pending).toBeLessThan(300);
    await allDeliveredOnce();
    receiver.delayMs = 0;
  });
});
