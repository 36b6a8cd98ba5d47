// Forward-auth end to end over the real HTTP API and database, on both engines: the proxy's questions
// (as nginx's auth_request and Caddy's forward_auth ask them), sign-in and step-up through the
// portal's pages with authenticator-app codes from oathtool, the identity headers and the signed JWT,
// and how fast a revoked session stops passing. Real proxies in front: forward-auth-proxies.test.ts.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateMasterKey } from '../../src/server/crypto/key-rotation.ts';
import { hashToken } from '../../src/server/crypto/tokens.ts';
import { IDENTITY_HEADER_NAMES } from '../../src/server/forward-auth/identity-headers.ts';
import { SESSION_CACHE_TTL_MS } from '../../src/server/forward-auth/session-cache.ts';
import { auditRows, STRONG_PASSWORD, SYSTEM_CONTEXT, seedUser } from '../helpers/fixtures.ts';
import { addMembers, askProxy, createApplication, createGroup, proxyCookieOf } from '../helpers/forward-auth.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';
import { missingPrograms } from '../helpers/programs.ts';
import { challengeIdOf, enrolTotp, oathtoolCode, registerTotp } from '../helpers/totp.ts';

// Real programs from Debian (see test/helpers/programs.ts): skipped here when missing, required in CI.
const MISSING_PROGRAMS = missingPrograms('oathtool');

const PORTAL = 'http://auth.portcullis.test';
const GRAFANA = 'http://grafana.portcullis.test';
const WIKI = 'http://wiki.portcullis.test';

describe.skipIf(MISSING_PROGRAMS).each(ENGINES)('forward-auth on %s', (engine) => {
  let portal: TestPortal;
  let admin: TestClient;
  let totpId: number;
  let admins: number;
  let counter = 0;

  /** A user with an authenticator app, not signed in; `group` adds them to the admins group. */
  async function person(options: { admin?: boolean } = {}) {
    counter += 1;
    const username = `fa${counter}`;
    const user = await seedUser(portal, username, { email: `${username}@example.com` });
    const setup = createClient(portal.fastify);
    await setup.signIn(username, STRONG_PASSWORD);
    const { secret } = await enrolTotp(portal, setup, totpId);
    portal.clock.advance(30_000);
    // A fresh administrator: tests move the clock past the freshness window.
    if (options.admin) await addMembers(await freshAdmin(), admins, [user.id]);
    return { username, id: user.id, secret, browser: createClient(portal.fastify) };
  }

  async function freshAdmin(): Promise<TestClient> {
    const client = createClient(portal.fastify);
    await client.signIn('admin', STRONG_PASSWORD);
    return client;
  }

  /** The browser follows the proxy's 401 to the portal, signs in with password and code, and comes back. */
  async function signInThrough(who: { username: string; secret: string; browser: TestClient }, target: string) {
    const refused = await askProxy(portal.fastify, target, { cookie: proxyCookieOf(who.browser) });
    expect(refused.status).toBe(401);
    const continueUrl = new URL(String(refused.headers.location));
    expect(continueUrl.origin).toBe(PORTAL);
    expect(continueUrl.searchParams.get('rd')).toBe(target);
    const toSignIn = await who.browser.get(`${continueUrl.pathname}${continueUrl.search}`);
    expect(toSignIn.status).toBe(303);
    const signInPage = new URL(String(toSignIn.headers.location), PORTAL);
    expect(signInPage.pathname).toBe('/signin');
    const returnTo = signInPage.searchParams.get('returnTo') ?? '';
    await who.browser.session();
    const login = await who.browser.post('/api/auth/login', {
      username: who.username,
      password: STRONG_PASSWORD,
      returnTo,
    });
    const challenge = challengeIdOf(login.json<{ redirectTo: string }>().redirectTo);
    const answered = await who.browser.post(`/api/auth/challenges/${challenge}/code`, {
      code: oathtoolCode(who.secret, portal.clock()),
    });
    expect(answered.json()).toMatchObject({ status: 'signed_in', redirectTo: returnTo });
    await who.browser.session(); // the CSRF token is bound to the new session
    const back = await who.browser.get(returnTo);
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe(target);
    return back;
  }

  beforeAll(async () => {
    portal = await startTestPortal(engine, {
      env: {
        PORTCULLIS_TRUSTED_PROXIES: '127.0.0.1',
        PORTCULLIS_COOKIE_DOMAIN: 'portcullis.test',
        PORTCULLIS_PUBLIC_URL: PORTAL,
      },
    });
    await seedUser(portal, 'admin', { role: 'administrator' });
    admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    totpId = await registerTotp(admin);
    admins = (await createGroup(admin, 'admins')).id;
    await createApplication(admin, {
      name: 'Grafana',
      urls: [{ host: 'grafana.portcullis.test' }],
      rules: [
        { who: { kind: 'members', groupIds: [admins], userIds: [] }, requirement: 'mfa', mfaMaxAgeMinutes: 15 },
        { who: { kind: 'everyone' }, requirement: 'deny' },
      ],
      headers: { user: true, groups: true, email: false, name: true, authLevel: true, jwt: true },
    });
    await createApplication(admin, {
      name: 'Vault',
      urls: [{ host: 'vault.portcullis.test' }],
      rules: [{ who: { kind: 'everyone' }, requirement: 'factor', factorTypes: ['totp'], mfaMaxAgeMinutes: 15 }],
    });
    await createApplication(admin, {
      name: 'Wiki',
      urls: [{ host: 'wiki.portcullis.test' }],
      rules: [{ who: { kind: 'everyone' }, requirement: 'password' }],
    });
  });
  afterAll(() => portal.close());

  it('anonymous → 401 to the continue page → password and code → back, with every identity header', async () => {
    const alice = await person({ admin: true });
    const back = await signInThrough(alice, `${GRAFANA}/d/home?orgId=1`);
    // The forward-auth cookie: on the parent domain, HttpOnly, Lax, and not the session token.
    const cookie = back.cookies.find((c) => c.name === 'portcullis_proxy');
    expect(cookie).toMatchObject({ domain: 'portcullis.test', path: '/', httpOnly: true, sameSite: 'Lax' });
    expect(cookie?.value).not.toBe(alice.browser.jar.get('portcullis_session'));

    const allowed = await askProxy(portal.fastify, `${GRAFANA}/d/home?orgId=1`, {
      cookie: proxyCookieOf(alice.browser),
    });
    expect(allowed.status).toBe(200);
    for (const name of IDENTITY_HEADER_NAMES) expect(allowed.headers).toHaveProperty(name.toLowerCase());
    expect(allowed.headers['remote-user']).toBe(alice.username);
    expect(allowed.headers['remote-groups']).toBe('admins');
    // Not shared with this application: present, and empty.
    expect(allowed.headers['remote-email']).toBe('');
    expect(allowed.headers['remote-auth-level']).toBe('mfa');
    expect(allowed.headers['remote-amr']).toBe('pwd,mfa,otp');

    // The JWT verifies with the served JWKS, for this application's origin.
    const jwks = (await portal.fastify.inject({ url: '/api/authz/jwks' })).json<{
      keys: Array<Record<string, unknown>>;
    }>();
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { payload, protectedHeader } = await jwtVerify(
      String(allowed.headers['remote-jwt']),
      createLocalJWKSet(jwks as never),
      {
        audience: GRAFANA,
        issuer: PORTAL,
        currentDate: new Date(portal.clock()),
      },
    );
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({
      sub: String(alice.id),
      preferred_username: alice.username,
      groups: ['admins'],
      amr: ['pwd', 'mfa', 'otp'],
    });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(120);
  });

  it('a group that is not allowed → 403, and the page says who and why', async () => {
    const bob = await person();
    // Wiki lets anyone signed in: bob signs in there, then tries Grafana.
    await signInThrough(bob, `${WIKI}/`);
    const denied = await askProxy(portal.fastify, `${GRAFANA}/`, { cookie: proxyCookieOf(bob.browser) });
    expect(denied.status).toBe(403);
    const page = await askProxy(portal.fastify, `${GRAFANA}/`, {
      cookie: proxyCookieOf(bob.browser),
      endpoint: 'forward-auth',
    });
    expect(page.status).toBe(403);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain(
      `You are signed in as <strong>${bob.username}</strong>, but Grafana is not open to your account.`,
    );
    expect(page.body).toContain('Decided by rule 2 of Grafana.');
    // Its own policy: its style by hash, no script at all.
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(
      (await askProxy(portal.fastify, `${GRAFANA}/`, { cookie: proxyCookieOf(bob.browser), endpoint: 'denied' }))
        .status,
    ).toBe(403);
    // The portal's continue page refuses the same way (no redirect loop).
    expect((await bob.browser.get(`/access/continue?rd=${encodeURIComponent(`${GRAFANA}/`)}`)).status).toBe(403);
  });

  it('an MFA that is too old → the MFA step only (no password), then back; the session continues', async () => {
    const carol = await person({ admin: true });
    await signInThrough(carol, `${GRAFANA}/`);
    const sessionOf = async () => {
      const idHash = hashToken(carol.browser.jar.get('portcullis_session') ?? '');
      return (await portal.services.sessions.listForUser(carol.id)).find((session) => session.idHash === idHash);
    };
    const before = await sessionOf();
    const count = (await portal.services.sessions.listForUser(carol.id)).length;
    portal.clock.advance(16 * 60_000);
    const refused = await askProxy(portal.fastify, `${GRAFANA}/`, { cookie: proxyCookieOf(carol.browser) });
    expect(refused.status).toBe(401);
    const next = await carol.browser.get(
      new URL(String(refused.headers.location)).pathname + new URL(String(refused.headers.location)).search,
    );
    expect(next.status).toBe(303);
    expect(next.headers.location).toBe(`/access/verify?rd=${encodeURIComponent(`${GRAFANA}/`)}`);
    const view = await carol.browser.get(`/api/authz/step-up?rd=${encodeURIComponent(`${GRAFANA}/`)}`);
    expect(view.json()).toMatchObject({
      application: { name: 'Grafana' },
      decision: 'step_up',
      reason: 'mfa_too_old',
      requirement: 'MFA within 15 minutes',
      username: carol.username,
    });
    const started = await carol.browser.postForm('/api/authz/step-up', { rd: `${GRAFANA}/` });
    expect(started.status).toBe(303);
    const challenge = challengeIdOf(String(started.headers.location));
    expect((await carol.browser.get(`/api/auth/challenges/${challenge}`)).json()).toMatchObject({
      purpose: 'step_up',
      kind: 'code',
    });
    const answered = await carol.browser.postForm(`/api/auth/challenges/${challenge}/code`, {
      code: oathtoolCode(carol.secret, portal.clock()),
    });
    expect(answered.headers.location).toBe(`/access/continue?rd=${encodeURIComponent(`${GRAFANA}/`)}`);
    const back = await carol.browser.get(String(answered.headers.location));
    expect(back.headers.location).toBe(`${GRAFANA}/`);
    expect((await askProxy(portal.fastify, `${GRAFANA}/`, { cookie: proxyCookieOf(carol.browser) })).status).toBe(200);

    // The same session continued (a new id): same start and auth time (no password asked); its MFA time moved.
    const after = await sessionOf();
    expect((await portal.services.sessions.listForUser(carol.id)).length).toBe(count);
    expect(after?.idHash).not.toBe(before?.idHash);
    expect(after?.createdAt).toBe(before?.createdAt);
    expect(after?.authenticatedAt).toBe(before?.authenticatedAt);
    expect(after?.mfaAt).toBe(portal.clock());
    const audit = (await auditRows(portal, 'login.succeeded')).at(-1);
    expect(JSON.parse(audit?.details ?? '{}')).toMatchObject({ purpose: 'step_up', authLevel: 'mfa' });
  });

  it('a step-up for a given kind offers only that kind ("Use another method" included)', async () => {
    const gina = await person({ admin: true });
    // Recovery codes satisfy "MFA" but are not an authenticator app.
    const setup = createClient(portal.fastify);
    await setup.signIn(gina.username, STRONG_PASSWORD);
    const challenge = challengeIdOf(
      (await setup.post('/api/auth/login', { username: gina.username, password: STRONG_PASSWORD })).json<{
        redirectTo: string;
      }>().redirectTo,
    );
    await setup.post(`/api/auth/challenges/${challenge}/code`, { code: oathtoolCode(gina.secret, portal.clock()) });
    portal.clock.advance(30_000);
    await setup.session();
    expect((await setup.post('/api/me/recovery-codes')).status).toBe(200);
    const stepUpAlternatives = async (target: string) => {
      const start = await gina.browser.postForm('/api/authz/step-up', { rd: target });
      const id = challengeIdOf(String(start.headers.location));
      return (await gina.browser.get(`/api/auth/challenges/${id}`))
        .json<{ alternatives: Array<{ type: string }> }>()
        .alternatives.map((choice) => choice.type);
    };
    await signInThrough(gina, `${GRAFANA}/`);
    portal.clock.advance(16 * 60_000);
    expect(await stepUpAlternatives(`${GRAFANA}/`)).toEqual(['recovery_codes']);
    expect(await stepUpAlternatives('http://vault.portcullis.test/')).toEqual([]);
  });

  it('a revoked session stops passing within the cache bound; signing out signs out of every application', async () => {
    const dave = await person({ admin: true });
    await signInThrough(dave, `${GRAFANA}/`);
    // One cookie for the parent domain: every application under it sees the same session.
    const cookie = proxyCookieOf(dave.browser);
    expect((await askProxy(portal.fastify, `${WIKI}/`, { cookie })).status).toBe(200);
    await dave.browser.post('/api/auth/logout');
    // Within the bound the cached answer may stand; past it, every application refuses.
    portal.clock.advance(SESSION_CACHE_TTL_MS);
    expect((await askProxy(portal.fastify, `${WIKI}/`, { cookie })).status).toBe(401);
    expect((await askProxy(portal.fastify, `${GRAFANA}/`, { cookie })).status).toBe(401);

    const erin = await person({ admin: true });
    await signInThrough(erin, `${GRAFANA}/`);
    await portal.services.accounts.updateUser(erin.id, { disabled: true }, SYSTEM_CONTEXT);
    portal.clock.advance(SESSION_CACHE_TTL_MS);
    expect((await askProxy(portal.fastify, `${GRAFANA}/`, { cookie: proxyCookieOf(erin.browser) })).status).toBe(401);
  });

  it('only trusted proxies may ask; the request must be described; unknown hosts are refused', async () => {
    const untrusted = await askProxy(portal.fastify, `${WIKI}/`, { peer: '192.0.2.10' });
    expect(untrusted.status).toBe(403);
    expect(untrusted.json()).toMatchObject({ error: { code: 'FORWARD_AUTH_UNTRUSTED' } });
    const blind = await portal.fastify.inject({ url: '/api/authz/auth-request', remoteAddress: '127.0.0.1' });
    expect(blind.json()).toMatchObject({ error: { code: 'FORWARD_AUTH_NO_URL' } });
    const twice = await portal.fastify.inject({
      url: '/api/authz/forward-auth',
      remoteAddress: '127.0.0.1',
      headers: {
        'x-forwarded-proto': 'http',
        'x-forwarded-host': ['wiki.portcullis.test', 'evil.test'],
        'x-forwarded-uri': '/',
      },
    });
    expect(twice.json()).toMatchObject({ error: { code: 'FORWARD_AUTH_NO_URL' } });
    // Caddy's style: X-Forwarded-* describe the request; an unregistered host is never open.
    const unknown = await portal.fastify.inject({
      url: '/api/authz/forward-auth',
      remoteAddress: '127.0.0.1',
      headers: {
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'elsewhere.portcullis.test',
        'x-forwarded-uri': '/x',
        'x-forwarded-method': 'GET',
      },
    });
    expect(unknown.statusCode).toBe(403);
    expect(unknown.body).toContain('No application registered in Portcullis uses this address');
    // Caddy's style, anonymous: a 302 straight to the continue page.
    const anonymous = await portal.fastify.inject({
      url: '/api/authz/forward-auth',
      remoteAddress: '127.0.0.1',
      headers: {
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'wiki.portcullis.test',
        'x-forwarded-uri': '/page?a=1',
      },
    });
    expect(anonymous.statusCode).toBe(302);
    expect(anonymous.headers.location).toBe(`${PORTAL}/access/continue?rd=${encodeURIComponent(`${WIKI}/page?a=1`)}`);
  });

  it('rd= leads only to registered applications; a forged forward-auth cookie is nobody', async () => {
    const browser = createClient(portal.fastify);
    for (const rd of [
      'https://evil.example/',
      '//evil.example',
      `${PORTAL}/`,
      'javascript:alert(1)',
      'http://grafana.portcullis.test.evil.example/',
    ])
      expect((await browser.get(`/access/continue?rd=${encodeURIComponent(rd)}`)).headers.location).toBe('/');
    const forged = await askProxy(portal.fastify, `${WIKI}/`, {
      cookie: `portcullis_proxy=${'A'.repeat(43)}.${'B'.repeat(43)}`,
    });
    expect(forged.status).toBe(401);
  });

  it('over HTTPS the cookie is __Secure- with Domain (a __Host- cookie cannot carry one)', async () => {
    const frank = await person({ admin: true });
    await signInThrough(frank, `${WIKI}/`);
    // The same session as the browser would present it over https (behind a TLS-terminating proxy).
    const secure = await portal.fastify.inject({
      url: `/access/continue?rd=${encodeURIComponent(`${WIKI}/`)}`,
      remoteAddress: '127.0.0.1',
      headers: {
        'x-forwarded-proto': 'https',
        cookie: `__Host-portcullis_session=${frank.browser.jar.get('portcullis_session')}`,
      },
    });
    expect(secure.statusCode).toBe(303);
    const cookie = secure.cookies.find((c) => c.name === '__Secure-portcullis_proxy');
    expect(cookie).toMatchObject({ domain: 'portcullis.test', secure: true, httpOnly: true, sameSite: 'Lax' });
    const https = await askProxy(portal.fastify, 'https://wiki.portcullis.test/', {
      cookie: `__Secure-portcullis_proxy=${cookie?.value}`,
    });
    expect(https.status).toBe(200);
  });

  it('keys rotate: the signing key is sealed again under the new master key and still signs', async () => {
    const before = await portal.services.storage.db.selectFrom('signing_keys').selectAll().execute();
    expect(before.length).toBeGreaterThan(0);
    await rotateMasterKey(portal.config, portal.services.storage, SYSTEM_CONTEXT, {
      retire: false,
      now: portal.clock(),
    });
    const after = await portal.services.storage.db.selectFrom('signing_keys').selectAll().execute();
    expect(after.map((key) => key.private_key.split('.')[0])).toEqual(before.map(() => 'v2'));
    expect(after.map((key) => key.kid)).toEqual(before.map((key) => key.kid));
  });
});
