/**
 * Duo outages and the fail mode (duo-protocol.md cases 9, 10; anchors 70–78). Fail-closed is the
 * default; fail-open is a per-provider choice that only ever applies to a network/5xx failure of the
 * health check before the redirect, never to refused credentials, TLS errors, administrators, or
 * anything after the user was sent to Duo. The portal's Duo timeout is 1.5 s in these tests.
 */
import { createServer, type Server } from 'node:https';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addProvider,
  atDuo,
  beginDuoSignIn,
  countAudit,
  type DuoSignIn,
  deadPort,
  expectSignedOut,
  freshAdmin,
  healthChecks,
  lastAudit,
  mfaUsers,
  sessionsOf,
  startDuoSignIn,
} from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';
import { createTestCa, type TestCertificate } from '../helpers/test-pki.ts';

const DAY_MS = 86_400_000;
type ErrorBody = { error: { code: string; message: string } };

async function tlsServer(certificate: TestCertificate): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert: certificate.cert, key: certificate.key }, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"stat":"OK","response":{"timestamp":0}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

describe.each(ENGINES)('Duo outages and the fail mode on %s', (engine) => {
  const trustedCa = createTestCa('Fail-mode trusted CA');
  const foreignCa = createTestCa('A CA nobody trusts');
  let duo: DuoSignIn;
  let servers: Server[] = [];
  const ids = { closed: 0, open: 0, deadClosed: 0, deadOpen: 0, dns: 0, untrusted: 0, expired: 0 };
  const newUser = mfaUsers('outage', () => duo);
  /** The password step of a user whose sign-in needs Duo, as the console's JSON call makes it. */
  const signIn = (client: TestClient, username: string) =>
    client.post('/api/auth/login', { username, password: STRONG_PASSWORD });

  beforeAll(async () => {
    duo = await startDuoSignIn(engine, { trustAlso: [trustedCa.caPem] });
    ids.closed = duo.providerId;
    ids.open = await addProvider(duo, 'Duo open', { failMode: 'open' });
    const refused = await deadPort();
    ids.deadClosed = await addProvider(duo, 'Dead port', { endpoint: `localhost:${refused}` }, { saveAnyway: true });
    ids.deadOpen = await addProvider(
      duo,
      'Dead port open',
      { endpoint: `localhost:${refused}`, failMode: 'open' },
      { saveAnyway: true },
    );
    ids.dns = await addProvider(duo, 'No such host', { endpoint: 'duo-emulator.invalid' }, { saveAnyway: true });
    const untrusted = await tlsServer(foreignCa.issue({ hosts: ['localhost', '127.0.0.1'] }));
    const now = Date.now();
    const expired = await tlsServer(
      trustedCa.issue({
        hosts: ['localhost', '127.0.0.1'],
        notBefore: new Date(now - 3 * DAY_MS),
        notAfter: new Date(now - DAY_MS),
      }),
    );
    servers = [untrusted.server, expired.server];
    ids.untrusted = await addProvider(
      duo,
      'Untrusted certificate',
      { endpoint: `localhost:${untrusted.port}`, failMode: 'open' },
      { saveAnyway: true },
    );
    ids.expired = await addProvider(
      duo,
      'Expired certificate',
      { endpoint: `localhost:${expired.port}`, failMode: 'open' },
      { saveAnyway: true },
    );
  });
  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await duo.close();
  });
  beforeEach(() => {
    duo.env.emulator.setFaults([]);
    // Past the 30 s health cache: each test sees a fresh health check.
    duo.portal.clock.advance(31_000);
  });

  it('case 9, anchors 70, 75: fail closed by default — a health check that times out denies sign-in, after 1.5 s not 5 s', async () => {
    const { username, id } = await newUser(ids.closed);
    duo.env.emulator.setFaults([{ endpoint: 'health_check', kind: 'slow', delayMs: 5000 }]);
    const checksBefore = healthChecks(duo.env);
    const client = createClient(duo.portal.fastify);
    await client.session();
    const started = performance.now();
    const refused = await signIn(client, username);
    const elapsed = performance.now() - started;
    expect(refused.status).toBe(503);
    expect(refused.json<ErrorBody>().error).toMatchObject({
      code: 'MFA_UNAVAILABLE',
      message: expect.stringMatching(/Multi-factor authentication is unavailable/),
    });
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(4000);
    // One attempt, no retry storm against a slow Duo.
    expect(healthChecks(duo.env) - checksBefore).toBe(1);
    expect(await lastAudit(duo.portal, 'login.mfa_unavailable')).toMatchObject({
      reason: 'health_unreachable',
      // Issue 13, item 7: the refusal names the user who could not sign in (the provider is in the details).
      target_label: username,
      details: { provider: 'Duo Security', check: 'unreachable', cause: 'timeout' },
    });
    await expectSignedOut(client);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    // The HTML form gets the sign-in page with the message's code (and why: an outage), not a JSON document.
    duo.portal.clock.advance(31_000);
    const form = await client.postForm('/api/auth/login', { username, password: STRONG_PASSWORD });
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe('/signin?error=MFA_UNAVAILABLE&reason=outage');
    await expectSignedOut(client);
  });

  it('anchors 75: while Duo is slow, other users still sign in at once', async () => {
    const slow = await newUser(ids.closed);
    await seedUser(duo.portal, 'passwordonly');
    duo.env.emulator.setFaults([{ endpoint: 'health_check', kind: 'slow', delayMs: 3000 }]);
    const waiting = createClient(duo.portal.fastify);
    const other = createClient(duo.portal.fastify);
    await Promise.all([waiting.session(), other.session()]);
    const pending = signIn(waiting, slow.username);
    const started = performance.now();
    const quick = await signIn(other, 'passwordonly');
    expect(performance.now() - started).toBeLessThan(1200); // well inside the 1.5 s Duo timeout
    expect(quick.json()).toMatchObject({ status: 'signed_in' });
    expect((await pending).status).toBe(503);
  });

  it('case 9, anchors 72: Duo answering 500 or 503 is an outage: fail closed', async () => {
    for (const kind of ['http_500_html', 'http_503_empty'] as const) {
      duo.portal.clock.advance(31_000);
      const { username, id } = await newUser(ids.closed);
      duo.env.emulator.setFaults([{ endpoint: 'health_check', kind }]);
      const client = createClient(duo.portal.fastify);
      await client.session();
      const refused = await signIn(client, username);
      expect(refused.status, kind).toBe(503);
      expect(refused.json<ErrorBody>().error.code).toBe('MFA_UNAVAILABLE');
      expect((await lastAudit(duo.portal, 'login.mfa_unavailable'))?.reason).toBe('health_unreachable');
      expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    }
  });

  it('case 9, anchors 70, 71, 78: connection refused (egress blocked) and a DNS failure fail closed', async () => {
    for (const [providerId, cause] of [
      [ids.deadClosed, 'refused'],
      [ids.dns, /dns|timeout/],
    ] as const) {
      const { username, id } = await newUser(providerId);
      const client = createClient(duo.portal.fastify);
      await client.session();
      const refused = await signIn(client, username);
      expect(refused.status).toBe(503);
      expect(refused.json<ErrorBody>().error.code).toBe('MFA_UNAVAILABLE');
      const audit = await lastAudit(duo.portal, 'login.mfa_unavailable');
      expect(audit?.reason).toBe('health_unreachable');
      expect(String(audit?.details.cause)).toMatch(cause);
      await expectSignedOut(client);
      expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    }
  });

  it('anchors 71: TLS errors (untrusted CA, expired certificate) fail closed even on a fail-open provider', async () => {
    for (const [providerId, cause] of [
      [ids.untrusted, 'tls'],
      [ids.expired, 'tls'],
    ] as const) {
      const { username, id } = await newUser(providerId);
      const client = createClient(duo.portal.fastify);
      await client.session();
      const refused = await signIn(client, username);
      expect(refused.status).toBe(503);
      expect(refused.json<ErrorBody>().error.code).toBe('MFA_UNAVAILABLE');
      expect(await lastAudit(duo.portal, 'login.mfa_unavailable')).toMatchObject({
        reason: 'health_unreachable',
        details: { check: 'unreachable', cause },
      });
      expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    }
    // The two failures are told apart for the administrator: a CA we do not trust, and an expired certificate.
    const admin = await freshAdmin(duo.portal);
    const lastCheck = async (providerId: number) =>
      (await admin.get(`/api/admin/mfa/providers/${providerId}`)).json<{ lastCheck: { message: string } }>().lastCheck
        .message;
    expect(await lastCheck(ids.untrusted)).toMatch(/trust/i);
    expect(await lastCheck(ids.expired)).toMatch(/expired/i);
  });

  it('case 10, anchors 73: a fail-open provider during an outage lets a user in single-factor, flagged and audited', async () => {
    for (const [providerId, setFaults] of [
      [ids.open, () => duo.env.emulator.setFaults([{ endpoint: 'health_check', kind: 'http_503_empty' }])],
      [ids.deadOpen, () => duo.env.emulator.setFaults([])],
    ] as const) {
      duo.portal.clock.advance(31_000);
      setFaults();
      const { username, id } = await newUser(providerId);
      const client = createClient(duo.portal.fastify);
      await client.session();
      const bypassed = await signIn(client, username);
      expect(bypassed.status).toBe(200);
      expect(bypassed.json()).toEqual({ status: 'signed_in', redirectTo: '/' });
      // Never reported as MFA (anchors 36): the session says single-factor, and no provider vouched for it.
      expect((await client.session()).session).toMatchObject({ authLevel: 'single_factor_bypass' });
      const [session] = await sessionsOf(duo.portal, id);
      expect(session).toMatchObject({ auth_level: 'single_factor_bypass', mfa_provider_id: null });
      expect(await lastAudit(duo.portal, 'login.mfa_bypassed')).toMatchObject({
        reason: 'fail_open',
        target_label: username,
        details: { check: 'unreachable', cause: expect.any(String) },
      });
      expect(await lastAudit(duo.portal, 'login.succeeded')).toMatchObject({
        target_label: username,
        details: { authLevel: 'single_factor_bypass' },
      });
    }
  });

  it('issue 12.3: a 429 from Duo is not an outage — a fail-open provider still refuses, nobody skips MFA', async () => {
    const bypassesBefore = await countAudit(duo.portal, 'login.mfa_bypassed');
    for (const providerId of [ids.open, ids.closed]) {
      duo.portal.clock.advance(31_000);
      duo.env.emulator.setFaults([{ endpoint: 'health_check', kind: 'http_429' }]);
      const { username, id } = await newUser(providerId);
      const client = createClient(duo.portal.fastify);
      await client.session();
      const refused = await signIn(client, username);
      expect(refused.status).toBe(503);
      expect(refused.json<ErrorBody>().error.code).toBe('MFA_UNAVAILABLE');
      expect(await lastAudit(duo.portal, 'login.mfa_unavailable')).toMatchObject({
        reason: 'health_error',
        details: { check: 'error', cause: 'http_429' },
      });
      await expectSignedOut(client);
      expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    }
    expect(await countAudit(duo.portal, 'login.mfa_bypassed')).toBe(bypassesBefore);
    // The administrator's test says what happened: Duo answered, it is rate limiting, not unreachable.
    duo.portal.clock.advance(31_000);
    const admin = await freshAdmin(duo.portal);
    const tested = await admin.post(`/api/admin/mfa/providers/${ids.open}/test`);
    expect(tested.json()).toMatchObject({ status: 'error', cause: 'http_429', outage: false });
  });

  it('case 10, anchors 72: refused credentials (HTTP 400 or 200 FAIL) never fail open', async () => {
    for (const kind of ['fail_400', 'fail_200'] as const) {
      duo.portal.clock.advance(31_000);
      duo.env.emulator.setFaults([{ endpoint: 'health_check', kind }]);
      const { username, id } = await newUser(ids.open);
      const client = createClient(duo.portal.fastify);
      await client.session();
      const refused = await signIn(client, username);
      expect(refused.status, kind).toBe(503);
      expect(refused.json<ErrorBody>().error.code).toBe('MFA_UNAVAILABLE');
      expect((await lastAudit(duo.portal, 'login.mfa_unavailable'))?.reason).toBe('health_invalid_credentials');
      expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    }
  });

  it('anchors 74: fail-open never applies to administrators', async () => {
    duo.env.emulator.setFaults([{ endpoint: 'health_check', kind: 'http_503_empty' }]);
    const { username, id } = await newUser(ids.open, 'administrator');
    const client = createClient(duo.portal.fastify);
    await client.session();
    const refused = await signIn(client, username);
    expect(refused.status).toBe(503);
    expect(refused.json<ErrorBody>().error.code).toBe('MFA_UNAVAILABLE');
    expect(await lastAudit(duo.portal, 'login.mfa_unavailable')).toMatchObject({
      reason: 'health_unreachable',
      // Issue 13, item 7: the refusal names the user who could not sign in (the provider is in the details).
      target_label: username,
      details: { provider: 'Duo open' },
    });
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
  });

  it('anchors 74: fail-open never applies once the user was sent to Duo', async () => {
    const bypassesBefore = await countAudit(duo.portal, 'login.mfa_bypassed');
    for (const kind of ['http_503_empty', 'connection_reset'] as const) {
      const { username, id } = await newUser(ids.open);
      const client = createClient(duo.portal.fastify);
      const callback = await atDuo(duo.env, await beginDuoSignIn(client, username));
      duo.env.emulator.setFaults([
        { endpoint: 'token', kind },
        { endpoint: 'health_check', kind },
      ]);
      const answer = await client.get(callback);
      expect(answer.headers.location, kind).toBe('/signin?error=MFA_UNAVAILABLE');
      await expectSignedOut(client);
      expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
      duo.env.emulator.setFaults([]);
    }
    expect(await countAudit(duo.portal, 'login.mfa_bypassed')).toBe(bypassesBefore);
  });

  it('anchors 74: a fail-open session cannot re-authenticate or set up MFA through the bypass', async () => {
    duo.env.emulator.setFaults([{ endpoint: 'health_check', kind: 'http_503_empty' }]);
    const { username } = await newUser(ids.open);
    const client = createClient(duo.portal.fastify);
    await client.session();
    expect((await signIn(client, username)).json()).toMatchObject({ status: 'signed_in' });
    await client.session(); // the CSRF token now belongs to the session
    const reauth = await client.post('/api/me/reauthenticate', { password: STRONG_PASSWORD });
    expect(reauth.status).toBe(503);
    expect(reauth.json<ErrorBody>().error.code).toBe('MFA_UNAVAILABLE');
    const configure = await client.post('/api/me/mfa/configure', { providerId: ids.open, replace: true });
    expect(configure.status).toBe(503);
    expect((await client.session()).session).toMatchObject({ authLevel: 'single_factor_bypass' });
  });

  it('case 9, anchors 76: during an outage the health check runs once per 30 s, not per sign-in; recovery is automatic', async () => {
    duo.env.emulator.setFaults([{ endpoint: 'health_check', kind: 'http_503_empty' }]);
    const users = await Promise.all([1, 2, 3, 4, 5].map(() => newUser(ids.closed)));
    const clients = users.map(() => createClient(duo.portal.fastify));
    await Promise.all(clients.map((client) => client.session()));
    const before = healthChecks(duo.env);
    // Five users at once share one in-flight check.
    const first = await Promise.all(users.map((user, index) => signIn(clients[index] as TestClient, user.username)));
    expect(first.map((response) => response.status)).toEqual([503, 503, 503, 503, 503]);
    expect(healthChecks(duo.env) - before).toBe(1);
    // More sign-ins within 30 s: still that one check.
    duo.portal.clock.advance(29_000);
    for (const [index, user] of users.entries())
      expect((await signIn(clients[index] as TestClient, user.username)).status).toBe(503);
    expect(healthChecks(duo.env) - before).toBe(1);
    // Duo is back, but the cached answer stands until it is 30 s old...
    duo.env.emulator.setFaults([]);
    expect((await signIn(clients[0] as TestClient, users[0]?.username ?? '')).status).toBe(503);
    expect(healthChecks(duo.env) - before).toBe(1);
    // ...then the next sign-in checks again, and goes to Duo.
    duo.portal.clock.advance(1_000);
    const recovered = await signIn(clients[0] as TestClient, users[0]?.username ?? '');
    expect(recovered.json()).toMatchObject({ status: 'mfa_required' });
    expect(healthChecks(duo.env) - before).toBe(2);
    // And while Duo is healthy, the same answer is reused too.
    expect((await signIn(clients[1] as TestClient, users[1]?.username ?? '')).json()).toMatchObject({
      status: 'mfa_required',
    });
    expect(healthChecks(duo.env) - before).toBe(2);
  });

  it('anchors 77: turning fail-open on or off needs a fresh sign-in and is audited with before and after', async () => {
    const admin = await freshAdmin(duo.portal);
    const values = { endpoint: duo.env.app.endpoint, clientId: duo.env.app.clientId };
    duo.portal.clock.advance(11 * 60_000);
    const stale = await admin.patch(`/api/admin/mfa/providers/${ids.closed}`, {
      values: { ...values, failMode: 'open' },
    });
    expect(stale.status).toBe(403);
    expect(stale.json<ErrorBody>().error.code).toBe('REAUTH_REQUIRED');
    expect((await admin.get(`/api/admin/mfa/providers/${ids.closed}`)).json()).toMatchObject({
      values: { failMode: 'closed' },
    });

    const fresh = await freshAdmin(duo.portal);
    const opened = await fresh.patch(`/api/admin/mfa/providers/${ids.closed}`, {
      values: { ...values, failMode: 'open' },
    });
    expect(opened.status).toBe(200);
    expect(opened.json()).toMatchObject({ provider: { values: { failMode: 'open' } } });
    expect(await lastAudit(duo.portal, 'mfa_provider.updated')).toMatchObject({
      actor_username: 'admin',
      target_label: 'Duo Security',
      details: { changes: { failMode: { from: 'closed', to: 'open' } } },
    });
    const closed = await fresh.patch(`/api/admin/mfa/providers/${ids.closed}`, {
      values: { ...values, failMode: 'closed' },
    });
    expect(closed.status).toBe(200);
    expect(await lastAudit(duo.portal, 'mfa_provider.updated')).toMatchObject({
      details: { changes: { failMode: { from: 'open', to: 'closed' } } },
    });
  });

  it('anchors 78: the provider form states the fail-open risk in so many words', async () => {
    const admin = await freshAdmin(duo.portal);
    const types = (await admin.get('/api/admin/mfa/provider-types')).json<{
      items: Array<{ id: string; fields: Array<{ key: string; help: string }> }>;
    }>();
    const failMode = types.items.find((type) => type.id === 'duo')?.fields.find((field) => field.key === 'failMode');
    expect(failMode?.help).toMatch(/Closed \(recommended\)/);
    expect(failMode?.help).toMatch(/anyone who can cut this server off from Duo can then skip MFA/);
    expect(failMode?.help).toMatch(/never administrators/);
  });
});
