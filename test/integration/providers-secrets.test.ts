import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateMasterKey } from '../../src/server/crypto/key-rotation.ts';
import { type PortalWithDuo, startPortalWithDuo } from '../helpers/duo.ts';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal } from '../helpers/portal.ts';

const BASE = '/api/admin/mfa/providers';

/** Every form in which a leaked secret could show up. */
function forms(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    secret.slice(0, 12),
    secret.slice(-12),
  ];
}

describe.each(ENGINES)('provider secrets on %s', (engine) => {
  let env: PortalWithDuo;
  let admin: TestClient;
  let providerId: number;

  beforeAll(async () => {
    env = await startPortalWithDuo(engine);
    await seedUser(env.portal, 'keeper', { role: 'administrator' });
    admin = createClient(env.portal.fastify);
    await admin.signIn('keeper', STRONG_PASSWORD);
    const response = await admin.post(BASE, {
      type: 'duo',
      name: 'Sealed',
      enabled: true,
      values: { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret },
    });
    providerId = response.json<{ provider: { id: number } }>().provider.id;
  });
  afterAll(() => env.close());

  it('case 2: the secret never comes back through any read path, export or page', async () => {
    const bodies = [
      (await admin.get(BASE)).body,
      (await admin.get(`${BASE}/${providerId}`)).body,
      (await admin.get(`${BASE}/export.csv`)).body,
      (await admin.get(`${BASE}/${providerId}/dependents`)).body,
      (await admin.get('/api/admin/mfa/provider-types')).body,
      (await admin.get('/api/admin/audit?pageSize=200')).body,
      (await admin.get('/api/admin/audit/export.csv')).body,
      (await admin.post(`${BASE}/${providerId}/test`)).body,
      (await admin.patch(`${BASE}/${providerId}`, { name: 'Sealed' })).body,
      (await admin.raw('GET', '/settings/mfa/providers', { headers: { accept: 'text/html' } })).body,
      (await admin.get('/api/docs')).body,
    ];
    for (const body of bodies) {
      for (const form of forms(env.app.clientSecret)) expect(body).not.toContain(form);
    }
    expect((await admin.get(`${BASE}/${providerId}`)).json()).toMatchObject({ secretsSet: { clientSecret: true } });
  });

  it('stores the secret only as AES-GCM ciphertext bound to its record and key version', async () => {
    const row = await env.portal.services.storage.db
      .selectFrom('mfa_providers')
      .selectAll()
      .where('id', '=', providerId)
      .executeTakeFirstOrThrow();
    for (const form of forms(env.app.clientSecret)) {
      expect(JSON.stringify(row)).not.toContain(form);
    }
    expect(JSON.parse(row.secrets)).toEqual({ clientSecret: expect.stringMatching(/^v1\.[\w-]{80,}$/) });
  });

  it('keeps the stored secret when an edit leaves it blank, and audits a new one only as "changed"', async () => {
    const unchanged = await admin.patch(`${BASE}/${providerId}`, {
      values: { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: '' },
    });
    expect(unchanged.json()).toMatchObject({ check: null, provider: { secretsSet: { clientSecret: true } } });
    await admin.patch(`${BASE}/${providerId}`, { enabled: false });
    const reenabled = await admin.patch(`${BASE}/${providerId}`, {
      enabled: true,
      values: { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: '' },
    });
    expect(reenabled.json()).toMatchObject({ check: { status: 'ok' }, provider: { enabled: true } }); // checked with the stored secret
    const other = env.emulator.registerClient({ clientId: env.app.clientId.replace(/^DI/, 'DX'), name: 'Rotated' });
    const rotated = await admin.patch(`${BASE}/${providerId}`, {
      values: { endpoint: env.app.endpoint, clientId: other.clientId, clientSecret: other.clientSecret },
    });
    expect(rotated.status).toBe(200);
    const updated = (await auditRows(env.portal, 'mfa_provider.updated')).at(-1);
    expect(JSON.parse(updated?.details ?? '{}').changes).toMatchObject({
      clientSecret: { from: '(hidden)', to: '(changed)' },
      clientId: { from: env.app.clientId, to: other.clientId },
    });
    expect((await auditRows(env.portal, 'mfa_provider.secret_rotated')).at(-1)).toMatchObject({
      target_id: String(providerId),
    });
    for (const row of await auditRows(env.portal)) {
      for (const form of [...forms(env.app.clientSecret), ...forms(other.clientSecret)])
        expect(JSON.stringify(row)).not.toContain(form);
    }
    // back to the first application for the next tests
    await admin.patch(`${BASE}/${providerId}`, {
      values: { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret },
    });
  });

  it('a ciphertext moved to another provider does not open there: that provider is disabled with a visible reason', async () => {
    const second = (
      await admin.post(BASE, {
        type: 'duo',
        name: 'Victim',
        enabled: true,
        values: { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret },
      })
    ).json<{ provider: { id: number } }>().provider.id;
    const db = env.portal.services.storage.db;
    const source = await db
      .selectFrom('mfa_providers')
      .select('secrets')
      .where('id', '=', providerId)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('mfa_providers')
      .set({ secrets: source.secrets, updated_at: env.portal.clock() + 1 })
      .where('id', '=', second)
      .execute();
    const test = await admin.post(`${BASE}/${second}/test`);
    expect(test.json()).toMatchObject({ error: { code: 'PROVIDER_SECRET_UNREADABLE' } });
    const view = (await admin.get(`${BASE}/${second}`)).json<{ enabled: boolean; unusableReason: string }>();
    expect(view.enabled).toBe(false);
    expect(view.unusableReason).toMatch(/cannot be opened/);
    expect((await auditRows(env.portal, 'mfa_provider.disabled')).at(-1)).toMatchObject({
      reason: 'secret_unopenable',
      outcome: 'failure',
    });
    // Entering the secret again repairs it.
    const repaired = await admin.patch(`${BASE}/${second}`, {
      enabled: true,
      values: { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret },
    });
    expect(repaired.json()).toMatchObject({ provider: { enabled: true, unusableReason: null } });
  });

  it('a tampered ciphertext is detected the same way, without crashing anything', async () => {
    const tampered = (
      await admin.post(BASE, {
        type: 'duo',
        name: 'Tampered',
        enabled: true,
        values: { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret },
      })
    ).json<{ provider: { id: number } }>().provider.id;
    const db = env.portal.services.storage.db;
    const row = await db
      .selectFrom('mfa_providers')
      .select('secrets')
      .where('id', '=', tampered)
      .executeTakeFirstOrThrow();
    const sealed = (JSON.parse(row.secrets) as { clientSecret: string }).clientSecret;
    const flipped = `${sealed.slice(0, -3)}${sealed.at(-3) === 'A' ? 'B' : 'A'}${sealed.slice(-2)}`;
    await db
      .updateTable('mfa_providers')
      .set({ secrets: JSON.stringify({ clientSecret: flipped }), updated_at: env.portal.clock() + 2 })
      .where('id', '=', tampered)
      .execute();
    expect((await admin.post(`${BASE}/${tampered}/test`)).json()).toMatchObject({
      error: { code: 'PROVIDER_SECRET_UNREADABLE' },
    });
    expect((await admin.get(`${BASE}/${tampered}`)).json()).toMatchObject({ enabled: false });
    expect((await admin.get('/healthz')).status).toBe(200);
  });

  it('a node with another master key refuses to start on this database', async () => {
    await expect(
      startTestPortal(engine, {
        databaseUrl: env.portal.databaseUrl,
        env: { PORTCULLIS_SECRET_KEYS: `1:${Buffer.alloc(32, 9).toString('base64')}` },
      }),
    ).rejects.toThrow(/cannot open the secrets stored in this database/);
  });

  it('key rotation re-seals every secret under the new version while the running portal keeps working', async () => {
    const result = await rotateMasterKey(
      env.portal.config,
      env.portal.services.storage,
      { actor: null, ip: null, userAgent: 'test', requestId: null },
      { retire: true, now: env.portal.clock() },
    );
    expect(result.toVersion).toBe(2);
    expect(result.resealed).toBeGreaterThanOrEqual(2);
    expect(result.retiredVersions).toEqual([1]);
    const row = await env.portal.services.storage.db
      .selectFrom('mfa_providers')
      .select('secrets')
      .where('id', '=', providerId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.secrets).clientSecret).toMatch(/^v2\./);
    // The running app started with key version 1 only; it loads version 2 from the key file when it meets it.
    await env.portal.services.storage.db
      .updateTable('mfa_providers')
      .set({ updated_at: env.portal.clock() + 3 })
      .where('id', '=', providerId)
      .execute();
    expect((await admin.post(`${BASE}/${providerId}/test`)).json()).toMatchObject({ status: 'ok' });
    expect((await auditRows(env.portal, 'keys.rotated')).at(-1)).toMatchObject({ outcome: 'success' });
    expect(JSON.parse((await auditRows(env.portal, 'keys.rotated')).at(-1)?.details ?? '{}')).toMatchObject({
      toVersion: 2,
      retiredVersions: [1],
    });
  });
});
