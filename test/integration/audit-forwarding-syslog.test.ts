/**
 * Forwarding to a real rsyslog (Debian's rsyslogd, `imtcp`, started by the test on a loopback port):
 * RFC 5424 messages framed by octet counting (RFC 6587), one JSON event each, over TCP and over TLS;
 * nothing lost or repeated across a receiver outage and a portal restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/server/version.ts';
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
import { missingPrograms } from '../helpers/programs.ts';
import { type Rsyslog, startRsyslog } from '../helpers/rsyslog.ts';
import { createTestCa } from '../helpers/test-pki.ts';

// Real programs from Debian (see test/helpers/programs.ts): skipped here when missing, required in CI.
const MISSING_PROGRAMS = missingPrograms('rsyslogd');

describe.skipIf(MISSING_PROGRAMS).each(ENGINES)('audit forwarding to rsyslog on %s', (engine) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-syslog-'));
  const clock = testClock();
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let portal: TestPortal;
  let admin: TestClient;
  let rsyslog: Rsyslog;
  let destinationId: number;
  let firstId = 0;

  const open = async () => {
    portal = await startTestPortal(engine, { databaseUrl: database.url, dataDir, clock });
    admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
  };
  const allDelivered = () =>
    expectEachDeliveredOnce(
      portal,
      () =>
        rsyslog
          .lines()
          .filter((line) => !line.event.test)
          .map((line) => line.event.id),
      firstId,
    );

  beforeAll(async () => {
    database = await createTestDatabase(engine, dataDir);
    rsyslog = await startRsyslog();
    await open();
    await seedUser(portal, 'admin', { role: 'administrator' });
    await admin.signIn('admin', STRONG_PASSWORD);
  });
  afterAll(async () => {
    await portal?.close();
    await rsyslog?.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends RFC 5424 messages: priority, time, app, message id, origin, and the event as JSON', async () => {
    const created = await admin.post('/api/admin/audit/destinations', {
      kind: 'syslog',
      name: 'rsyslog',
      host: '127.0.0.1',
      port: rsyslog.port,
      facility: 'authpriv',
    });
    expect(created.status, created.body).toBe(201);
    destinationId = created.json<DestinationView>().id;
    const [first] = await rsyslog.waitFor((lines) => lines.length >= 1);
    firstId = first?.event.id ?? 0;
    expect(first).toMatchObject({
      pri: 10 * 8 + 6,
      appName: 'portcullis',
      procId: String(process.pid),
      msgId: 'audit_destination.created',
      structuredData: `[origin software="portcullis" swVersion="${VERSION}"]`,
      event: { type: 'audit_destination.created', targetLabel: 'rsyslog', outcome: 'success' },
    });
    expect(Date.parse(first?.timestamp ?? '')).toBe(Date.parse(String(first?.event.occurredAt)));

    await createClient(portal.fastify).signIn('admin', 'wrong-password-here');
    await seedAuditEvents(portal, 250, (index) => ({ details: JSON.stringify({ n: index, note: 'Zoë ünïcode' }) }));
    await allDelivered();
    const failure = rsyslog.lines().find((line) => line.event.type === 'login.failed');
    expect(failure?.pri).toBe(10 * 8 + 4); // failures are warnings
    expect(rsyslog.lines().at(-1)?.event.details).toEqual({ n: 249, note: 'Zoë ünïcode' });
  });

  it('keeps events while rsyslog is stopped, backs off, and delivers them once when it is back', async () => {
    await rsyslog.stop();
    await seedAuditEvents(portal, 40, () => ({ type: 'user.updated' }));
    const status = await failing(admin, destinationId);
    expect(status.lastError).toBe('the connection was refused (is the receiver running and listening on that port?)');
    expect(status.backlog.value).toBeGreaterThanOrEqual(40);
    await rsyslog.start();
    skipBackoff(portal);
    await allDelivered();
    expect((await destination(admin, destinationId)).status).toMatchObject({ state: 'ok', failures: 0 });
  });

  it('survives a portal restart in the middle of a backlog: nothing lost, nothing sent twice', async () => {
    const backlog = 6000;
    await seedAuditEvents(portal, backlog, () => ({ type: 'login.succeeded' }));
    await until('the first batches', async () => (await outboxSize(portal)) < backlog);
    await portal.close(); // graceful: the batch in flight is written, the rest stays in the outbox
    await open();
    const pending = await outboxSize(portal);
    expect(pending).toBeGreaterThan(0);
    expect(pending).toBeLessThan(backlog);
    await allDelivered();
  });

  it('speaks TLS to an rsyslog with the openssl driver, trusting the CA it is given', async () => {
    const ca = createTestCa('rsyslog test CA');
    const tlsSyslog = await startRsyslog({ tls: { ...ca.issue({ hosts: ['127.0.0.1'] }), caPem: ca.caPem } });
    try {
      const body = { kind: 'syslog', name: 'rsyslog over TLS', host: '127.0.0.1', port: tlsSyslog.port, tls: true };
      const untrusted = await admin.post('/api/admin/audit/destinations', { ...body, name: 'untrusted TLS' });
      expect(untrusted.status).toBe(201);
      const untrustedId = untrusted.json<DestinationView>().id;
      expect((await failing(admin, untrustedId)).lastError).toMatch(/not trusted \(add its CA\)/);
      expect((await admin.raw('DELETE', `/api/admin/audit/destinations/${untrustedId}`)).status).toBe(204);

      const created = await admin.post('/api/admin/audit/destinations', { ...body, caPem: ca.caPem });
      expect(created.status, created.body).toBe(201);
      const lines = await tlsSyslog.waitFor((received) =>
        received.some((line) => line.event.type === 'audit_destination.created'),
      );
      expect(lines.find((line) => line.event.type === 'audit_destination.created')?.event).toMatchObject({
        targetLabel: 'rsyslog over TLS',
      });
      const test = await admin.post(`/api/admin/audit/destinations/${created.json<DestinationView>().id}/test`);
      expect(test.json()).toMatchObject({ ok: true });
      await tlsSyslog.waitFor((received) => received.some((line) => line.event.test === true));
    } finally {
      await tlsSyslog.close();
    }
  });
});
