import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PortalWithDuo, pathOf, registerDuo, startPortalWithDuo } from '../helpers/duo.ts';
import { auditRows, STRONG_PASSWORD, seedFactor, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

describe.each(ENGINES)('signing in with Duo on %s', (engine) => {
  let env: PortalWithDuo;
  let admin: TestClient;
  let providerId: number;

  beforeAll(async () => {
    env = await startPortalWithDuo(engine);
    await seedUser(env.portal, 'admin', { role: 'administrator' });
    admin = createClient(env.portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    providerId = await registerDuo(env, admin);
  });
  afterAll(() => env.close());

  it('configures Duo from My account, then every sign-in ends with an approved push', async () => {
    await seedUser(env.portal, 'alice');
    const alice = createClient(env.portal.fastify);
    await alice.signIn('alice', STRONG_PASSWORD);
    const configure = await alice.post('/api/me/mfa/configure', { providerId });
    expect(configure.status).toBe(200);
    const authorize = configure.json<{ redirectTo: string }>().redirectTo;
    expect(authorize.startsWith(`${env.emulator.baseUrl}/oauth/v1/authorize?`)).toBe(true);
    const back = await env.emulator.completeAuthorization(authorize, 'approve');
    expect(back.kind).toBe('redirect');
    const callback = await alice.get(pathOf((back as { url: string }).url));
    expect(callback.status).toBe(303);
    expect(callback.headers.location).toBe('/account?mfa=configured');
    expect((await alice.get('/api/me/mfa')).json()).toMatchObject({
      configured: { providerId, providerName: 'Duo Security' },
    });
    expect((await auditRows(env.portal, 'user.mfa_configured')).at(-1)).toMatchObject({ target_label: 'alice' });

    await alice.session(); // the console reloads its session after coming back
    expect((await alice.post('/api/auth/logout')).status).toBe(204);
    const login = await alice.signIn('alice', STRONG_PASSWORD);
    expect(login.json()).toMatchObject({ status: 'mfa_required' });
    expect((await alice.get('/api/me')).status).toBe(401); // no session before the second factor
    const push = await env.emulator.completeAuthorization(login.json<{ redirectTo: string }>().redirectTo, 'approve');
    const signedIn = await alice.get(pathOf((push as { url: string }).url));
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/');
    expect((await alice.session()).session).toMatchObject({ authLevel: 'mfa' });
    const event = (await auditRows(env.portal, 'login.succeeded')).at(-1);
    expect(JSON.parse(event?.details ?? '{}')).toMatchObject({
      authLevel: 'mfa',
      provider: 'Duo Security',
      factor: 'duo_push',
      txid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('a denied push ends in a clear failure and no session', async () => {
    const bob = createClient(env.portal.fastify);
    await seedFactor(env.portal, (await seedUser(env.portal, 'bob')).id, providerId);
    env.emulator.setUser('bob', { enrolled: true, status: 'active' });
    const login = await bob.signIn('bob', STRONG_PASSWORD);
    const answer = await env.emulator.completeAuthorization(login.json<{ redirectTo: string }>().redirectTo, 'deny');
    expect(answer.kind).toBe('denied');
    expect((await bob.get('/api/me')).status).toBe(401);
  });
});
