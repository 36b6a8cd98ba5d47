import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PortalWithDuo, startPortalWithDuo } from '../helpers/duo.ts';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal } from '../helpers/portal.ts';

const BASE = '/api/admin/mfa/providers';
type Check = {
  status: string;
  message: string;
  hint: string | null;
  cause: string | null;
  skewSeconds: number | null;
  outage: boolean;
};
type Refusal = { error: { code: string; details: { check: Check } } };

describe.each(ENGINES)('live checks of a provider on %s', (engine) => {
  let env: PortalWithDuo;
  let admin: TestClient;
  let values: Record<string, string>;
  let counter = 0;
  const name = () => {
    counter += 1;
    return `Provider ${counter}`;
  };

  beforeAll(async () => {
    env = await startPortalWithDuo(engine);
    await seedUser(env.portal, 'checker', { role: 'administrator' });
    values = { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret };
  });
  afterAll(() => env.close());
  beforeEach(async () => {
    env.emulator.setFaults([]);
    admin = createClient(env.portal.fastify);
    await admin.signIn('checker', STRONG_PASSWORD);
  });

  it('case 4: invalid credentials are refused with their own message and never saved enabled', async () => {
    const wrongSecret = { ...values, clientSecret: 'x'.repeat(40) };
    const response = await admin.post(BASE, {
      type: 'duo',
      name: name(),
      enabled: true,
      values: wrongSecret,
      saveAnyway: true,
    });
    expect(response.status).toBe(422);
    const body = response.json<Refusal>();
    expect(body.error.code).toBe('PROVIDER_CHECK_FAILED');
    expect(body.error.details.check).toMatchObject({
      status: 'invalid_credentials',
      cause: 'invalid_client',
      outage: false,
    });
    expect(body.error.details.check.hint).toMatch(/Duo Admin Panel/);
    const disabled = await admin.post(BASE, {
      type: 'duo',
      name: name(),
      enabled: false,
      values: wrongSecret,
      saveAnyway: true,
    });
    expect(disabled.status).toBe(201);
    expect(disabled.json()).toMatchObject({
      provider: { enabled: false, lastCheck: { status: 'invalid_credentials' } },
      check: { status: 'invalid_credentials' },
    });
  });

  it('case 4: an unreachable Duo is its own answer, and "save anyway" saves it', async () => {
    env.emulator.setFaults([{ endpoint: 'health_check', kind: 'http_503_empty' }]);
    const refused = await admin.post(BASE, { type: 'duo', name: 'Down for now', enabled: true, values });
    expect(refused.json<Refusal>()).toMatchObject({
      error: { code: 'PROVIDER_UNREACHABLE', details: { check: { status: 'unreachable', outage: true } } },
    });
    const saved = await admin.post(BASE, {
      type: 'duo',
      name: 'Down for now',
      enabled: true,
      values,
      saveAnyway: true,
    });
    expect(saved.status).toBe(201);
    expect(saved.json()).toMatchObject({ provider: { enabled: true, lastCheck: { status: 'unreachable' } } });
    const event = (await auditRows(env.portal, 'mfa_provider.created')).at(-1);
    expect(JSON.parse(event?.details ?? '{}')).toMatchObject({ check: 'unreachable', savedDespiteCheck: true });
  });

  it.each([
    [[{ endpoint: 'health_check', kind: 'http_500_html' }], 'http_5xx'],
    [[{ endpoint: 'health_check', kind: 'connection_reset' }], 'reset'],
    [[{ endpoint: 'health_check', kind: 'slow', delayMs: 3000 }], 'timeout'],
  ] as const)('reports %j as unreachable with cause %s', async (faults, cause) => {
    env.emulator.setFaults([...faults]);
    const response = await admin.post(BASE, { type: 'duo', name: name(), enabled: true, values });
    expect(response.json<Refusal>().error.details.check).toMatchObject({ status: 'unreachable', cause });
  });

  it('reports a health check that says FAIL with HTTP 200 as invalid credentials, as with HTTP 400', async () => {
    for (const kind of ['fail_200', 'fail_400'] as const) {
      env.emulator.setFaults([{ endpoint: 'health_check', kind }]);
      const response = await admin.post(BASE, { type: 'duo', name: name(), enabled: true, values });
      expect(response.json<Refusal>().error.details.check.status).toBe('invalid_credentials');
    }
  });

  it('tells a wrong clock from a wrong secret', async () => {
    const skewed = await startPortalWithDuo(engine, { emulatorNow: () => Date.now() + 10 * 60_000 });
    try {
      await seedUser(skewed.portal, 'clocky', { role: 'administrator' });
      const client = createClient(skewed.portal.fastify);
      await client.signIn('clocky', STRONG_PASSWORD);
      const response = await client.post(BASE, {
        type: 'duo',
        name: 'Skewed',
        enabled: true,
        values: { endpoint: skewed.app.endpoint, clientId: skewed.app.clientId, clientSecret: skewed.app.clientSecret },
      });
      const check = response.json<Refusal>().error.details.check;
      expect(check.status).toBe('clock_skew');
      expect(check.message).toMatch(/this server's clock is 6\d\d seconds behind Duo's/);
      expect(check.hint).toMatch(/NTP/);
    } finally {
      await skewed.close();
    }
  });

  it('reports a TLS failure as unreachable (cause tls) and never relaxes verification', async () => {
    const untrusting = await startTestPortal(engine, { env: {} });
    try {
      await seedUser(untrusting, 'tls-admin', { role: 'administrator' });
      const client = createClient(untrusting.fastify);
      await client.signIn('tls-admin', STRONG_PASSWORD);
      const response = await client.post(BASE, { type: 'duo', name: 'No CA', enabled: true, values });
      expect(response.json<Refusal>().error.details.check).toMatchObject({
        status: 'unreachable',
        cause: 'tls',
        outage: false,
      });
    } finally {
      await untrusting.close();
    }
  });

  it('says when a proxy is probably in the way (proxies are not supported)', async () => {
    const proxied = await startTestPortal(engine, {
      env: { HTTPS_PROXY: 'http://proxy.internal:3128', PORTCULLIS_DUO_TIMEOUT_MS: '500' },
    });
    try {
      await seedUser(proxied, 'proxy-admin', { role: 'administrator' });
      const client = createClient(proxied.fastify);
      await client.signIn('proxy-admin', STRONG_PASSWORD);
      const response = await client.post(BASE, {
        type: 'duo',
        name: 'Behind proxy',
        enabled: true,
        values: { ...values, endpoint: 'localhost:1' },
      });
      const check = response.json<Refusal>().error.details.check;
      expect(check).toMatchObject({ status: 'unreachable', cause: 'proxy' });
      expect(check.hint).toContain('HTTPS_PROXY is set, but Portcullis connects to Duo directly');
    } finally {
      await proxied.close();
    }
  });

  it('"Test connection" checks the stored settings, records the last check and audits it', async () => {
    const created = (await admin.post(BASE, { type: 'duo', name: name(), enabled: true, values })).json<{
      provider: { id: number };
    }>();
    env.emulator.setFaults([{ endpoint: 'health_check', kind: 'http_503_empty' }]);
    const test = await admin.post(`${BASE}/${created.provider.id}/test`);
    expect(test.status).toBe(200);
    expect(test.json()).toMatchObject({ status: 'unreachable' });
    expect((await admin.get(`${BASE}/${created.provider.id}`)).json()).toMatchObject({
      lastCheck: { status: 'unreachable' },
    });
    const event = (await auditRows(env.portal, 'mfa_provider.tested')).at(-1);
    expect(event).toMatchObject({ outcome: 'failure', target_id: String(created.provider.id) });
  });

  it('case 5: listing or reading providers never contacts Duo', async () => {
    env.emulator.clearRequests();
    await admin.get(BASE);
    await admin.get(`${BASE}/1`);
    await admin.get(`${BASE}/export.csv`);
    expect(env.emulator.requests).toHaveLength(0);
  });
});
