/**
 * Settings > System > Audit forwarding through the API: settings validated field by field, secrets
 * sealed and write-only (never in a response, the audit log or a log line), changes audited, a fresh
 * sign-in for changes, and the secrets included in `keys rotate`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateMasterKey } from '../../src/server/crypto/key-rotation.ts';
import type { DestinationView } from '../../src/shared/api/audit-forwarding.ts';
import { auditRows, STRONG_PASSWORD, SYSTEM_CONTEXT, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';
import { createTestCa } from '../helpers/test-pki.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

const BASE = '/api/admin/audit/destinations';
const HMAC_KEY = `${'k'.repeat(20)}secret-hmac-key-value-42`;
type ErrorBody = { error: { code: string; fields?: Record<string, string> } };

describe.each(ENGINES)('audit forwarding destinations on %s', (engine) => {
  let portal: TestPortal;
  let admin: TestClient;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'admin', { role: 'administrator' });
    admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    receiver = await startWebhookReceiver(HMAC_KEY);
  });
  afterAll(async () => {
    await portal.close();
    await receiver.stop();
  });

  const webhook = (overrides: Record<string, unknown> = {}) => ({
    kind: 'webhook',
    name: 'SIEM webhook',
    url: receiver.url,
    caPem: receiver.caPem,
    hmacKey: HMAC_KEY,
    ...overrides,
  });

  it('refuses bad settings with a message per field, and saves nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [webhook({ url: 'http://siem.example/hook' }), 'url'],
      [webhook({ url: 'https://user:pass@siem.example/hook' }), 'url'],
      [webhook({ hmacKey: 'short' }), 'hmacKey'],
      [webhook({ hmacKey: undefined }), 'hmacKey'],
      [webhook({ name: '   ' }), 'name'],
      [webhook({ caPem: 'not a certificate' }), 'caPem'],
      [webhook({ caPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }), 'caPem'],
      [{ kind: 'syslog', name: 'x', host: 'syslog.example.com', port: 70000 }, 'port'],
      [{ kind: 'syslog', name: 'x', host: 'tcp://syslog', port: 514 }, 'host'],
      [{ kind: 'syslog', name: 'x', host: 'syslog.example.com', port: 514, facility: 'kern' }, 'facility'],
      [{ kind: 'syslog', name: 'x', host: 'syslog.example.com', port: 514, tls: false, caPem: receiver.caPem }, 'tls'],
      [{ kind: 'syslog', name: 'x', host: 'h', port: 514, tls: true, clientKey: 'x' }, 'clientKey'],
      [{ kind: 'carrier-pigeon', name: 'x' }, 'kind'],
      [{ ...webhook(), extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const response = await admin.post(BASE, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(response.json<ErrorBody>().error.fields ?? {}), JSON.stringify(body)).toContain(field);
    }
    expect((await admin.get(BASE)).json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('a client certificate needs its own key, over TLS', async () => {
    const ca = createTestCa('client CA');
    const one = ca.issue({ hosts: ['portcullis.example'] });
    const other = ca.issue({ hosts: ['other.example'] });
    const body = { kind: 'syslog', name: 'mtls', host: '127.0.0.1', port: 6514, tls: true, clientCertPem: one.cert };
    const mismatch = await admin.post(BASE, { ...body, clientKey: other.key });
    expect(mismatch.json<ErrorBody>().error.fields?.clientKey).toBe(
      'This key does not belong to the client certificate.',
    );
    const missing = await admin.post(BASE, body);
    expect(missing.json<ErrorBody>().error.fields?.clientKey).toBe('A client certificate needs its private key.');
    const created = await admin.post(BASE, { ...body, clientKey: one.key });
    expect(created.status, created.body).toBe(201);
    expect(created.body).not.toContain('PRIVATE KEY');
    expect(created.json<DestinationView>().secretsSet).toEqual({ hmacKey: false, clientKey: true });
    expect((await admin.raw('DELETE', `${BASE}/${created.json<DestinationView>().id}`)).status).toBe(204);
  });

  it('creates a webhook destination: the key is sealed, never shown, and the change is audited', async () => {
    const response = await admin.post(BASE, webhook());
    expect(response.status, response.body).toBe(201);
    const view = response.json<DestinationView>();
    expect(view).toMatchObject({
      name: 'SIEM webhook',
      kind: 'webhook',
      enabled: true,
      target: receiver.url,
      secretsSet: { hmacKey: true, clientKey: false },
      status: { state: 'idle', failures: 0, lastDeliveredAt: null },
    });
    const stored = await portal.services.storage.db
      .selectFrom('audit_destinations')
      .select('secrets')
      .where('id', '=', view.id)
      .executeTakeFirstOrThrow();
    expect(stored.secrets).toMatch(/^\{"hmacKey":"v1\.[\w-]+"\}$/);
    for (const text of [
      response.body,
      (await admin.get(BASE)).body,
      (await admin.get(`${BASE}/${view.id}`)).body,
      JSON.stringify(await auditRows(portal)),
    ]) {
      expect(text).not.toContain(HMAC_KEY);
      expect(text).not.toContain(stored.secrets);
    }
    const created = (await auditRows(portal, 'audit_destination.created')).at(-1);
    expect(created).toMatchObject({
      actor_username: 'admin',
      target_type: 'audit_destination',
      target_label: 'SIEM webhook',
    });
    expect(JSON.parse(created?.details ?? '{}')).toMatchObject({
      kind: 'webhook',
      settings: { url: receiver.url, caPem: '(certificate)' },
    });
    // Names are unique regardless of case.
    const taken = await admin.post(BASE, webhook({ name: 'siem WEBHOOK' }));
    expect(taken.status).toBe(409);
    expect(taken.json<ErrorBody>().error.code).toBe('DESTINATION_NAME_TAKEN');
  });

  it('sends a test event with the stored key, and says so; a failing test says why', async () => {
    const [view] = (await admin.get(BASE)).json<{ items: DestinationView[] }>().items;
    const result = await admin.post(`${BASE}/${view?.id}/test`);
    expect(result.json()).toMatchObject({ ok: true, message: 'The receiver accepted the test event.' });
    const delivery = receiver.deliveries.find((each) => each.eventId === 'test');
    expect(delivery).toMatchObject({ verified: true, body: { test: true, type: 'audit_destination.tested' } });

    receiver.answer(503);
    const failed = (await admin.post(`${BASE}/${view?.id}/test`)).json<{ ok: boolean; message: string }>();
    receiver.answer(200);
    expect(failed).toMatchObject({
      ok: false,
      message: 'The test event was not delivered: the receiver answered HTTP 503.',
    });
    const tested = (await auditRows(portal, 'audit_destination.tested')).map((row) => row.outcome);
    expect(tested).toEqual(['success', 'failure']);
  });

  it('edits without retyping the key; disabling drops what was waiting; changes need a fresh sign-in', async () => {
    const [view] = (await admin.get(BASE)).json<{ items: DestinationView[] }>().items;
    const renamed = await admin.patch(`${BASE}/${view?.id}`, { name: 'SIEM (prod)' });
    expect(renamed.status, renamed.body).toBe(200);
    expect(renamed.json<DestinationView>().secretsSet.hmacKey).toBe(true);
    expect((await admin.post(`${BASE}/${view?.id}/test`)).json()).toMatchObject({ ok: true });
    // Pointed at a receiver that does not exist, the change's own record cannot be delivered: it waits.
    const moved = await admin.patch(`${BASE}/${view?.id}`, { url: 'https://receiver.invalid/x' });
    expect(moved.status).toBe(200);
    const disabled = await admin.patch(`${BASE}/${view?.id}`, { enabled: false, url: receiver.url });
    expect(disabled.json<DestinationView>().status).toMatchObject({ state: 'disabled', backlog: { value: 0 } });
    const updates = (await auditRows(portal, 'audit_destination.updated')).map((row) =>
      JSON.parse(row.details ?? '{}'),
    );
    expect(updates[0]).toEqual({ changes: { name: { from: 'SIEM webhook', to: 'SIEM (prod)' } }, droppedBacklog: 0 });
    expect(updates.at(-1)?.changes.enabled).toEqual({ from: 'true', to: 'false' });
    expect(updates.at(-1)?.droppedBacklog).toBeGreaterThan(0);

    portal.clock.advance((portal.config.session.freshMinutes + 1) * 60_000);
    const refused = await admin.patch(`${BASE}/${view?.id}`, { enabled: true });
    expect(refused.json<ErrorBody>().error.code).toBe('REAUTH_REQUIRED');
    expect((await admin.raw('DELETE', `${BASE}/${view?.id}`)).json<ErrorBody>().error.code).toBe('REAUTH_REQUIRED');
    await admin.signIn('admin', STRONG_PASSWORD);
  });

  it('keys rotate re-seals destination secrets; the destination keeps working', async () => {
    const [view] = (await admin.get(BASE)).json<{ items: DestinationView[] }>().items;
    const result = await rotateMasterKey(portal.config, portal.services.storage, SYSTEM_CONTEXT, {
      retire: false,
      now: portal.clock(),
    });
    expect(result.resealed).toBeGreaterThanOrEqual(1);
    const stored = await portal.services.storage.db
      .selectFrom('audit_destinations')
      .select('secrets')
      .where('id', '=', view?.id ?? 0)
      .executeTakeFirstOrThrow();
    expect(stored.secrets).toMatch(new RegExp(`"hmacKey":"v${result.toVersion}\\.`));
    expect((await admin.post(`${BASE}/${view?.id}/test`)).json()).toMatchObject({ ok: true });
  });

  it('removes a destination (audited), and answers 404 for an unknown one', async () => {
    const [view] = (await admin.get(BASE)).json<{ items: DestinationView[] }>().items;
    expect((await admin.raw('DELETE', `${BASE}/${view?.id}`)).status).toBe(204);
    expect((await admin.get(`${BASE}/${view?.id}`)).json<ErrorBody>().error.code).toBe('DESTINATION_NOT_FOUND');
    expect((await admin.post(`${BASE}/999/test`)).status).toBe(404);
    expect((await admin.get(`${BASE}/abc`)).status).toBe(400);
    const deleted = (await auditRows(portal, 'audit_destination.deleted')).at(-1);
    expect(JSON.parse(deleted?.details ?? '{}')).toMatchObject({ name: 'SIEM (prod)', kind: 'webhook' });
  });

  it('is for administrators only', async () => {
    await seedUser(portal, 'plain');
    const user = createClient(portal.fastify);
    await user.signIn('plain', STRONG_PASSWORD);
    expect((await user.get(BASE)).status).toBe(403);
    expect((await user.post(BASE, webhook())).status).toBe(403);
  });
});
