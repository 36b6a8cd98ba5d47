/**
 * Two portal nodes on one PostgreSQL database, no sticky sessions (duo-protocol.md case 18; anchors
 * 104–109): both share the database and the master key file, and both trust the one Duo emulator.
 * One browser (one cookie jar) talks to whichever node a request is sent to.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathOf } from '../helpers/duo.ts';
import {
  atDuo,
  beginDuoSignIn,
  type DuoSignIn,
  expectSignedOut,
  lastAudit,
  mfaUsers,
  sessionsOf,
  startDuoSignIn,
  tokenCalls,
} from '../helpers/duo-sign-in.ts';
import { auditRows, STRONG_PASSWORD } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { startTestPortal, type TestPortal } from '../helpers/portal.ts';

type ErrorBody = { error: { code: string } };

/** A browser behind a load balancer without stickiness: each request goes to the node it is pointed at. */
function balancedBrowser(first: FastifyInstance) {
  let target = first;
  const balancer = { inject: (options: InjectOptions) => target.inject(options) };
  const client = createClient(balancer as unknown as FastifyInstance);
  return Object.assign(client, {
    to(node: FastifyInstance) {
      target = node;
      return client;
    },
  });
}

// PostgreSQL only: SQLite is a single-node database, so there is no SQLite variant of this file.
describe('two nodes on one PostgreSQL database', () => {
  let duo: DuoSignIn;
  let nodeA: TestPortal;
  let nodeB: TestPortal;
  const newUser = mfaUsers('nodes', () => ({ portal: nodeA, providerId: duo.providerId }));
  /** A signed-in administrator on the given node. */
  const adminOn = async (node: TestPortal): Promise<TestClient> => {
    const admin = createClient(node.fastify);
    expect((await admin.signIn('admin', STRONG_PASSWORD)).json()).toMatchObject({ status: 'signed_in' });
    return admin;
  };

  beforeAll(async () => {
    duo = await startDuoSignIn('postgres');
    nodeA = duo.portal;
    nodeB = await startTestPortal('postgres', {
      databaseUrl: nodeA.databaseUrl,
      dataDir: nodeA.dataDir,
      clock: nodeA.clock,
      env: { PORTCULLIS_DUO_CA_FILE: duo.env.emulator.caFile, PORTCULLIS_DUO_TIMEOUT_MS: '1500' },
    });
  });
  afterAll(async () => {
    await nodeB?.close();
    await duo?.close();
  });

  it('case 18, anchors 104: a sign-in started on node A finishes on node B', async () => {
    const { username, id } = await newUser();
    const browser = balancedBrowser(nodeA.fastify);
    const authorize = await beginDuoSignIn(browser, username);
    const callback = await atDuo(duo.env, authorize);
    const back = await browser.to(nodeB.fastify).get(callback);
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/');
    // The session works on both nodes.
    expect((await browser.to(nodeB.fastify).session()).session).toMatchObject({ authLevel: 'mfa' });
    expect((await browser.to(nodeA.fastify).get('/api/me')).status).toBe(200);
    expect(await sessionsOf(nodeA, id)).toHaveLength(1);
  });

  it('anchors 105: the same callback replayed concurrently to A and B yields exactly one session', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { username, id } = await newUser();
      const browser = balancedBrowser(nodeA.fastify);
      const callback = await atDuo(duo.env, await beginDuoSignIn(browser, username));
      const cookie = [...browser.jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const tokensBefore = tokenCalls(duo.env);
      const succeededBefore = (await auditRows(nodeA, 'login.succeeded')).length;
      const send = (node: TestPortal) =>
        node.fastify.inject({ method: 'GET', url: callback, headers: { cookie }, remoteAddress: '127.0.0.1' });
      const answers = await Promise.all([send(nodeA), send(nodeB), send(nodeA), send(nodeB)]);
      const locations = answers.map((answer) => answer.headers.location).sort();
      expect(locations).toEqual([
        '/',
        '/signin?error=MFA_EXPIRED',
        '/signin?error=MFA_EXPIRED',
        '/signin?error=MFA_EXPIRED',
      ]);
      expect(
        answers.filter((answer) => answer.cookies.some((c) => c.name === 'portcullis_session' && c.value)),
      ).toHaveLength(1);
      expect(tokenCalls(duo.env)).toBe(tokensBefore + 1);
      expect(await sessionsOf(nodeA, id)).toHaveLength(1);
      expect(await auditRows(nodeA, 'login.succeeded')).toHaveLength(succeededBefore + 1);
    }
  });

  it('anchors 107: the same user in two browsers on two nodes has two independent sessions, both listed', async () => {
    const { username, id } = await newUser();
    const first = balancedBrowser(nodeA.fastify);
    const second = balancedBrowser(nodeB.fastify);
    // Both sign-ins are at Duo at the same time; each finishes on its own node.
    const [toA, toB] = await Promise.all([beginDuoSignIn(first, username), beginDuoSignIn(second, username)]);
    expect((await first.get(await atDuo(duo.env, toA))).headers.location).toBe('/');
    expect((await second.get(await atDuo(duo.env, toB))).headers.location).toBe('/');
    expect(first.jar.get('portcullis_session')).not.toBe(second.jar.get('portcullis_session'));
    expect(await sessionsOf(nodeA, id)).toHaveLength(2);
    // No concurrent-session limit (docs/configuration.md): each sees both under My account, on either node.
    const listed = (await first.to(nodeB.fastify).get('/api/me/sessions')).json<{
      items: Array<{ current: boolean }>;
    }>();
    expect(listed.items.map((item) => item.current).sort()).toEqual([false, true]);
    // Signing out one leaves the other untouched.
    await first.session();
    expect((await first.post('/api/auth/logout')).status).toBe(204);
    await expectSignedOut(first);
    expect((await second.to(nodeA.fastify).get('/api/me')).status).toBe(200);
  });

  it('anchors 106: failed passwords on A and B count against one shared limit', async () => {
    const { username } = await newUser();
    const browser = balancedBrowser(nodeA.fastify);
    for (const node of [nodeA, nodeB, nodeA, nodeB, nodeA]) {
      await browser.to(node.fastify).session();
      const wrong = await browser.post('/api/auth/login', { username, password: 'not-the-password-at-all' });
      expect(wrong.json<ErrorBody>().error.code).toBe('INVALID_CREDENTIALS');
    }
    // Five failures in total (3 on A, 2 on B): the account is locked on both nodes, even with the right password.
    for (const node of [nodeB, nodeA]) {
      await browser.to(node.fastify).session();
      const locked = await browser.post('/api/auth/login', { username, password: STRONG_PASSWORD });
      expect(locked.status).toBe(429);
      expect(locked.json<ErrorBody>().error.code).toBe('LOGIN_THROTTLED');
    }
  });

  it('anchors 106: the push limit (10 trips to Duo per 15 minutes) is shared by the nodes', async () => {
    const { username } = await newUser();
    const browser = balancedBrowser(nodeA.fastify);
    for (let start = 0; start < 10; start += 1) {
      await beginDuoSignIn(browser.to((start % 2 === 0 ? nodeA : nodeB).fastify), username);
    }
    for (const node of [nodeA, nodeB]) {
      await browser.to(node.fastify).session();
      const eleventh = await browser.post('/api/auth/login', { username, password: STRONG_PASSWORD });
      expect(eleventh.status).toBe(429);
      expect(eleventh.json<ErrorBody>().error.code).toBe('MFA_THROTTLED');
    }
  });

  it('anchors 108: sign-out, revoked sessions and a disabled user on A are refused on B at the next request', async () => {
    const signedIn = async () => {
      const { username, id } = await newUser();
      const browser = balancedBrowser(nodeA.fastify);
      await browser.get(await atDuo(duo.env, await beginDuoSignIn(browser, username)));
      await browser.session();
      expect((await browser.to(nodeB.fastify).get('/api/me')).status).toBe(200);
      browser.to(nodeA.fastify);
      return { browser, id };
    };
    // Sign-out on A: the old cookie replayed on B is worthless.
    const out = await signedIn();
    const cookie = out.browser.jar.get('portcullis_session') ?? '';
    expect((await out.browser.post('/api/auth/logout')).status).toBe(204);
    const replay = await nodeB.fastify.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: `portcullis_session=${cookie}` },
    });
    expect(replay.statusCode).toBe(401);
    // An administrator on A ends all of a user's sessions: B refuses them.
    const revoked = await signedIn();
    const admin = await adminOn(nodeA);
    expect((await admin.post(`/api/admin/users/${revoked.id}/sessions/revoke`)).json()).toEqual({ sessionsEnded: 1 });
    await expectSignedOut(revoked.browser.to(nodeB.fastify));
    // An administrator on A disables a user: B refuses their session, and their next sign-in.
    const disabled = await signedIn();
    expect((await admin.patch(`/api/admin/users/${disabled.id}`, { disabled: true })).status).toBe(200);
    await expectSignedOut(disabled.browser.to(nodeB.fastify));
    await disabled.browser.session();
    const username = (await nodeA.services.accounts.getUser(disabled.id)).username;
    const again = await disabled.browser.post('/api/auth/login', { username, password: STRONG_PASSWORD });
    expect(again.json<ErrorBody>().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('anchors 109: disabling the provider on A applies on B at once, even to a sign-in already at Duo', async () => {
    const { username } = await newUser();
    const atDuoAlready = await newUser();
    const pending = balancedBrowser(nodeB.fastify);
    const pendingCallback = await atDuo(duo.env, await beginDuoSignIn(pending, atDuoAlready.username));
    const admin = await adminOn(nodeA);
    const affected = (await admin.get(`/api/admin/mfa/providers/${duo.providerId}/dependents`)).json<{
      total: number;
    }>().total;
    expect(
      (
        await admin.patch(`/api/admin/mfa/providers/${duo.providerId}`, {
          enabled: false,
          confirmAffectedUsers: affected,
        })
      ).status,
    ).toBe(200);
    try {
      const browser = balancedBrowser(nodeB.fastify);
      await browser.session();
      const refused = await browser.post('/api/auth/login', { username, password: STRONG_PASSWORD });
      expect(refused.status).toBe(503);
      expect(refused.json<ErrorBody>().error.code).toBe('MFA_UNAVAILABLE');
      expect(await lastAudit(nodeB, 'login.mfa_unavailable')).toMatchObject({ reason: 'provider_disabled' });
      // The sign-in that was already at Duo fails closed on B, never open.
      expect((await pending.get(pendingCallback)).headers.location).toBe('/signin?error=MFA_UNAVAILABLE');
      await expectSignedOut(pending);
    } finally {
      expect((await admin.patch(`/api/admin/mfa/providers/${duo.providerId}`, { enabled: true })).status).toBe(200);
    }
  });

  it('anchors 109: a new client secret saved on A is the one B uses, at once', async () => {
    const { username, id } = await newUser();
    // Warm B's provider instance (and its cached health answer) with the old secret.
    const warm = balancedBrowser(nodeB.fastify);
    await warm.get(await atDuo(duo.env, await beginDuoSignIn(warm, username)));
    // The secret is rotated at Duo: the old one stops working there.
    const rotated = duo.env.emulator.registerClient({
      clientId: duo.env.app.clientId,
      clientSecret: `${'R'.repeat(20)}otated-secret-value!`,
      name: 'Portcullis',
    });
    const admin = await adminOn(nodeA);
    const saved = await admin.patch(`/api/admin/mfa/providers/${duo.providerId}`, {
      values: { endpoint: duo.env.app.endpoint, clientId: duo.env.app.clientId, clientSecret: rotated.clientSecret },
    });
    expect(saved.status).toBe(200);
    expect(saved.json()).toMatchObject({ check: { status: 'ok' } });
    // B signs the request object, the client assertion and checks the id_token with the new secret.
    const browser = balancedBrowser(nodeB.fastify);
    const authorize = await beginDuoSignIn(browser, username);
    const answer = await duo.env.emulator.completeAuthorization(authorize, 'approve');
    expect(answer.kind).toBe('redirect');
    const back = await browser.get(pathOf((answer as { url: string }).url));
    expect(back.headers.location).toBe('/');
    expect(await sessionsOf(nodeA, id)).toHaveLength(2);
  });
});
