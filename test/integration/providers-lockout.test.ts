import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MFA_POLICY_KEY } from '../../src/server/mfa/policy.ts';
import { type PortalWithDuo, startPortalWithDuo } from '../helpers/duo.ts';
import { auditRows, STRONG_PASSWORD, seedFactor, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

const BASE = '/api/admin/mfa/providers';

describe.each(ENGINES)('provider lock-out guards on %s', (engine) => {
  let env: PortalWithDuo;
  let admin: TestClient;
  let values: Record<string, string>;

  beforeAll(async () => {
    env = await startPortalWithDuo(engine);
    await seedUser(env.portal, 'guard', { role: 'administrator' });
    values = { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret };
  });
  afterAll(() => env.close());
  beforeEach(async () => {
    admin = createClient(env.portal.fastify);
    await admin.signIn('guard', STRONG_PASSWORD);
  });

  async function createProvider(name: string): Promise<number> {
    return (await admin.post(BASE, { type: 'duo', name, enabled: true, values })).json<{ provider: { id: number } }>()
      .provider.id;
  }

  async function enrol(providerId: number, ...usernames: string[]) {
    for (const username of usernames) {
      const user = await seedUser(env.portal, username);
      await seedFactor(env.portal, user.id, providerId);
    }
  }

  it('will not disable a provider users depend on without a confirmation naming how many', async () => {
    const id = await createProvider('In use');
    await enrol(id, 'user-a', 'user-b');
    const refused = await admin.patch(`${BASE}/${id}`, { enabled: false });
    expect(refused.status).toBe(409);
    expect(refused.json()).toMatchObject({
      error: { code: 'PROVIDER_IN_USE', details: { affectedUsers: 2, usernames: ['user-a', 'user-b'] } },
    });
    expect((await admin.patch(`${BASE}/${id}`, { enabled: false, confirmAffectedUsers: 1 })).status).toBe(409);
    expect((await admin.get(`${BASE}/${id}`)).json()).toMatchObject({ enabled: true, affectedUsers: 2 });
    const confirmed = await admin.patch(`${BASE}/${id}`, { enabled: false, confirmAffectedUsers: 2 });
    expect(confirmed.status).toBe(200);
    expect(JSON.parse((await auditRows(env.portal, 'mfa_provider.disabled')).at(-1)?.details ?? '{}')).toEqual({
      affectedUsers: 2,
      reason: 'administrator',
    });
  });

  it('will not delete a provider users depend on without the confirmation; deleting resets their MFA', async () => {
    const id = await createProvider('To delete');
    await enrol(id, 'user-c');
    const refused = await admin.raw('DELETE', `${BASE}/${id}`, { body: {} });
    expect(refused.json()).toMatchObject({
      error: { code: 'PROVIDER_IN_USE', details: { affectedUsers: 1, usernames: ['user-c'] } },
    });
    expect((await admin.raw('DELETE', `${BASE}/${id}`, { body: { confirmAffectedUsers: 1 } })).status).toBe(204);
    expect((await admin.get(`${BASE}/${id}`)).status).toBe(404);
    expect(
      await env.portal.services.storage.db
        .selectFrom('user_factors')
        .selectAll()
        .where('provider_id', '=', id)
        .execute(),
    ).toEqual([]);
    expect(JSON.parse((await auditRows(env.portal, 'mfa_provider.deleted')).at(-1)?.details ?? '{}')).toEqual({
      name: 'To delete',
      type: 'duo',
      affectedUsers: 1,
    });
  });

  it('keeps the last enabled provider while MFA is required for everyone', async () => {
    const db = env.portal.services.storage.db;
    for (const record of await db.selectFrom('mfa_providers').select('id').execute()) {
      await admin.raw('DELETE', `${BASE}/${record.id}`, {
        body: {
          confirmAffectedUsers: (await admin.get(`${BASE}/${record.id}/dependents`)).json<{ total: number }>().total,
        },
      });
    }
    const only = await createProvider('Only one');
    await env.portal.services.storage.db
      .insertInto('settings')
      .values({ key: MFA_POLICY_KEY, value: JSON.stringify({ mode: 'required' }), updated_at: 0, updated_by: null })
      .execute();
    try {
      expect((await admin.patch(`${BASE}/${only}`, { enabled: false })).json()).toMatchObject({
        error: { code: 'LAST_ENABLED_PROVIDER' },
      });
      expect((await admin.raw('DELETE', `${BASE}/${only}`, { body: {} })).json()).toMatchObject({
        error: { code: 'LAST_ENABLED_PROVIDER' },
      });
      const second = await createProvider('Second');
      expect((await admin.patch(`${BASE}/${only}`, { enabled: false })).status).toBe(200);
      expect((await admin.patch(`${BASE}/${second}`, { enabled: false })).json()).toMatchObject({
        error: { code: 'LAST_ENABLED_PROVIDER' },
      });
    } finally {
      await db.deleteFrom('settings').where('key', '=', MFA_POLICY_KEY).execute();
    }
  });

  it('asks for a fresh sign-in before any change to MFA configuration', async () => {
    const id = await createProvider('Fresh only');
    env.portal.clock.advance(11 * 60_000);
    for (const response of [
      await admin.post(BASE, { type: 'duo', name: 'Late', enabled: true, values }),
      await admin.patch(`${BASE}/${id}`, { name: 'Renamed late' }),
      await admin.raw('DELETE', `${BASE}/${id}`, { body: {} }),
    ]) {
      expect(response.json()).toMatchObject({ error: { code: 'REAUTH_REQUIRED' } });
    }
    expect((await admin.post('/api/me/reauthenticate', { password: STRONG_PASSWORD })).status).toBe(200);
    await admin.session();
    expect((await admin.patch(`${BASE}/${id}`, { name: 'Renamed fresh' })).status).toBe(200);
  });

  it('lets only administrators see or change providers', async () => {
    await seedUser(env.portal, 'plain-user');
    const user = createClient(env.portal.fastify);
    await user.signIn('plain-user', STRONG_PASSWORD);
    for (const [method, path] of [
      ['GET', BASE],
      ['GET', `${BASE}/1`],
      ['GET', `${BASE}/export.csv`],
      ['POST', BASE],
      ['PATCH', `${BASE}/1`],
      ['POST', `${BASE}/1/test`],
      ['DELETE', `${BASE}/1`],
      ['GET', '/api/admin/mfa/provider-types'],
    ] as const) {
      expect(
        (await user.raw(method, path, { body: method === 'GET' ? undefined : {} })).status,
        `${method} ${path}`,
      ).toBe(403);
    }
  });
});
