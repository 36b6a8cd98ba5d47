/**
 * Two portal nodes on one PostgreSQL database, both forwarding: rows are claimed atomically (FOR
 * UPDATE SKIP LOCKED), so each event reaches each destination once although both nodes deliver.
 * PostgreSQL only: SQLite is a single-node database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAuditEvents } from '../helpers/audit-seed.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { allEventIds, outboxSize, until } from '../helpers/forwarding.ts';
import { createClient } from '../helpers/http-client.ts';
import { startTestPortal, type TestPortal } from '../helpers/portal.ts';
import { missingPrograms } from '../helpers/programs.ts';
import { type Rsyslog, startRsyslog } from '../helpers/rsyslog.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

// Real programs from Debian (see test/helpers/programs.ts): skipped here when missing, required in CI.
const MISSING_PROGRAMS = missingPrograms('rsyslogd');

const HMAC_KEY = 'two-nodes-signing-key-0123456789abcdef';

describe.skipIf(MISSING_PROGRAMS)('audit forwarding from two nodes on one PostgreSQL database', () => {
  let nodeA: TestPortal;
  let nodeB: TestPortal;
  let receiver: WebhookReceiver;
  let rsyslog: Rsyslog;

  beforeAll(async () => {
    nodeA = await startTestPortal('postgres');
    nodeB = await startTestPortal('postgres', {
      databaseUrl: nodeA.databaseUrl,
      dataDir: nodeA.dataDir,
      clock: nodeA.clock,
    });
    receiver = await startWebhookReceiver(HMAC_KEY);
    rsyslog = await startRsyslog();
  });
  afterAll(async () => {
    await nodeB?.close();
    await nodeA?.close();
    await receiver?.stop();
    await rsyslog?.close();
  });

  it('delivers every event once to each destination, with both nodes sending', async () => {
    await seedUser(nodeA, 'admin', { role: 'administrator' });
    const admin = createClient(nodeB.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    const webhook = await admin.post('/api/admin/audit/destinations', {
      kind: 'webhook',
      name: 'webhook',
      url: receiver.url,
      caPem: receiver.caPem,
      hmacKey: HMAC_KEY,
    });
    const syslog = await admin.post('/api/admin/audit/destinations', {
      kind: 'syslog',
      name: 'rsyslog',
      host: '127.0.0.1',
      port: rsyslog.port,
    });
    expect([webhook.status, syslog.status]).toEqual([201, 201]);
    receiver.delayMs = 3; // deliveries take long enough that both nodes are at work at once
    await seedAuditEvents(nodeA, 800, () => ({ type: 'login.succeeded' }));
    await until('every event delivered', async () => (await outboxSize(nodeA)) === 0, 90_000);

    const created = await allEventIds(nodeA);
    const webhookIds = receiver.deliveries.filter((each) => !each.body.test).map((each) => each.body.id);
    const syslogIds = rsyslog.lines().map((line) => line.event.id);
    for (const ids of [webhookIds, syslogIds]) {
      expect(new Set(ids).size).toBe(ids.length); // nothing twice
      // Nothing lost: every event from the destination's own creation record on.
      const since = Math.min(...ids);
      expect(created.filter((id) => id >= since).every((id) => ids.includes(id))).toBe(true);
      expect(ids.length).toBeGreaterThanOrEqual(800);
    }
    expect(nodeA.services.auditForwarder.stats().delivered).toBeGreaterThan(0);
    expect(nodeB.services.auditForwarder.stats().delivered).toBeGreaterThan(0);
    expect(nodeA.services.auditForwarder.node).not.toBe(nodeB.services.auditForwarder.node);
  });
});
