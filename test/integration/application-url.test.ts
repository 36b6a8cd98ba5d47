/**
 * The Application URL (Settings > System): its validation, that every redirect URI is built from it
 * and never from request headers (anchors 50), that Duo cannot be used for sign-in while it is
 * missing or invalid, and that a post-sign-in destination survives the Duo round trip only through
 * the server-side record (anchors 45–49).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PortalWithDuo, startPortalWithDuo } from '../helpers/duo.ts';
import {
  atDuo,
  beginDuoSignIn,
  type DuoSignIn,
  expectSignedOut,
  lastAudit,
  requestClaims,
  seedMfaUser,
  sessionsOf,
  startDuoSignIn,
} from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

type ErrorBody = { error: { code: string; fields?: Record<string, string> } };
type UrlView = { url: string | null; configured: string | null; source: string; problem: string | null };

/** A host name of exactly `length` characters, in DNS-sized labels, ending in .example.com. */
function hostOfLength(length: number): string {
  const suffix = '.example.com';
  let host = '';
  while (host.length < length - suffix.length) host += host.length % 51 === 50 ? '.' : 'a';
  return `${host.replace(/\.$/, 'a')}${suffix}`;
}

describe.each(ENGINES)('the Application URL on %s', (engine) => {
  describe('validation in production', () => {
    let portal: TestPortal;
    let admin: TestClient;
    const put = (applicationUrl: string) =>
      admin.raw('PUT', '/api/admin/settings/application-url', { body: { applicationUrl } });

    beforeAll(async () => {
      portal = await startTestPortal(engine, { env: { PORTCULLIS_ENV: 'production' } });
      await seedUser(portal, 'admin', { role: 'administrator' });
      admin = createClient(portal.fastify);
      await admin.signIn('admin', STRONG_PASSWORD);
    });
    afterAll(() => portal.close());

    it('accepts an https DNS name, normalised, and audits the change', async () => {
      const saved = await put(' https://Portal.Example.com/ ');
      expect(saved.status).toBe(200);
      expect(saved.json()).toMatchObject({
        url: 'https://portal.example.com',
        source: 'settings',
        problem: null,
        // Issue 13.10: before any provider exists, no made-up provider id.
        callbackExample: 'https://portal.example.com/api/auth/mfa/<provider id>/callback',
        callbacks: [],
      });
      expect(await lastAudit(portal, 'settings.updated')).toMatchObject({
        actor_username: 'admin',
        details: {
          key: 'application_url',
          changes: { applicationUrl: { from: null, to: 'https://portal.example.com' } },
        },
      });
      expect((await put('https://portal.example.com:8443')).json()).toMatchObject({
        url: 'https://portal.example.com:8443',
      });
    });

    it.each([
      ['empty', ''],
      ['plain http', 'http://portal.example.com'],
      ['another scheme', 'ftp://portal.example.com'],
      ['not a URL', 'portal.example.com'],
      ['an IPv4 address', 'https://192.0.2.10'],
      ['an IPv6 address', 'https://[2001:db8::1]'],
      ['localhost', 'https://localhost'],
      ['a .localhost name', 'https://portal.localhost'],
      ['a bare host name', 'https://portal'],
      ['a path', 'https://portal.example.com/portcullis'],
      ['a query', 'https://portal.example.com/?next=1'],
      ['a fragment', 'https://portal.example.com/#top'],
      ['credentials', 'https://admin:secret@portal.example.com'],
      ['a callback longer than 256 characters', `https://${hostOfLength(214)}`],
    ])('refuses %s, naming the field, and keeps the old value', async (_label, value) => {
      const refused = await put(value);
      expect(refused.status).toBe(400);
      expect(refused.json<ErrorBody>().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: { applicationUrl: expect.any(String) },
      });
      expect((await admin.get('/api/admin/settings/application-url')).json<UrlView>().url).toMatch(
        /^https:\/\/portal\.example\.com/,
      );
    });

    it('accepts the longest Application URL whose callbacks still fit in 256 characters', async () => {
      const longest = `https://${hostOfLength(213)}`;
      expect(longest).toHaveLength(221);
      const saved = await put(longest);
      expect(saved.status).toBe(200);
      const callback = saved.json<{ callbackExample: string }>().callbackExample;
      expect(callback.replace('/mfa/<provider id>/', '/mfa/999999999999/').length).toBeLessThanOrEqual(256);
    });
  });

  describe('set by PORTCULLIS_PUBLIC_URL', () => {
    let portal: TestPortal;
    let admin: TestClient;

    beforeAll(async () => {
      portal = await startTestPortal(engine, { env: { PORTCULLIS_PUBLIC_URL: 'https://sso.example.com' } });
      await seedUser(portal, 'admin', { role: 'administrator' });
      admin = createClient(portal.fastify);
      await admin.signIn('admin', STRONG_PASSWORD);
    });
    afterAll(() => portal.close());

    it('the environment wins and the setting is read-only', async () => {
      expect((await admin.get('/api/admin/settings/application-url')).json()).toMatchObject({
        url: 'https://sso.example.com',
        source: 'environment',
      });
      const refused = await admin.raw('PUT', '/api/admin/settings/application-url', {
        body: { applicationUrl: 'https://other.example.com' },
      });
      expect(refused.status).toBe(400);
      expect(refused.json<ErrorBody>().error.fields?.applicationUrl).toMatch(/PORTCULLIS_PUBLIC_URL/);
      expect((await admin.get('/api/admin/settings/application-url')).json()).toMatchObject({
        url: 'https://sso.example.com',
      });
    });
  });

  describe('missing or invalid: Duo cannot be used for sign-in', () => {
    let env: PortalWithDuo;
    let invalid: TestPortal;
    let admin: TestClient;
    let providerId: number;

    const registerProvider = async (portal: TestPortal, client: TestClient) => {
      const response = await client.post('/api/admin/mfa/providers', {
        type: 'duo',
        name: 'Duo Security',
        enabled: true,
        values: { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret },
      });
      expect(response.status, response.body).toBe(201);
      await seedUser(portal, 'carol');
      return response.json<{ provider: { id: number } }>().provider.id;
    };

    beforeAll(async () => {
      env = await startPortalWithDuo(engine);
      await seedUser(env.portal, 'admin', { role: 'administrator' });
      admin = createClient(env.portal.fastify);
      await admin.signIn('admin', STRONG_PASSWORD);
      providerId = await registerProvider(env.portal, admin); // no Application URL set yet
      // A second portal whose PORTCULLIS_PUBLIC_URL is a URL, but not a usable Application URL (a path).
      invalid = await startTestPortal(engine, {
        env: { PORTCULLIS_DUO_CA_FILE: env.emulator.caFile, PORTCULLIS_PUBLIC_URL: 'http://localhost:8080/sso' },
        clock: env.portal.clock,
      });
    });
    afterAll(async () => {
      await invalid.close();
      await env.close();
    });

    it('requiring MFA is refused with APPLICATION_URL_INVALID', async () => {
      const refused = await admin.raw('PUT', '/api/admin/mfa/policy', {
        body: { mode: 'required', defaultProviderId: providerId },
      });
      expect(refused.status).toBe(409);
      expect(refused.json<ErrorBody>().error.code).toBe('APPLICATION_URL_INVALID');
    });

    it('configuring MFA is refused with APPLICATION_URL_INVALID, and My account says it is not ready', async () => {
      const carol = createClient(env.portal.fastify);
      await carol.signIn('carol', STRONG_PASSWORD);
      expect((await carol.get('/api/me/mfa')).json()).toMatchObject({ ready: false });
      const refused = await carol.post('/api/me/mfa/configure', { providerId });
      expect(refused.status).toBe(409);
      expect(refused.json<ErrorBody>().error.code).toBe('APPLICATION_URL_INVALID');
      expect(env.emulator.requests.filter((request) => request.path === '/oauth/v1/authorize')).toHaveLength(0);
    });

    it('a user who has Duo set up fails closed, audited as application_url_invalid — missing or invalid alike', async () => {
      const invalidAdmin = createClient(invalid.fastify);
      await seedUser(invalid, 'admin', { role: 'administrator' });
      await invalidAdmin.signIn('admin', STRONG_PASSWORD);
      expect((await invalidAdmin.get('/api/admin/settings/application-url')).json()).toMatchObject({
        url: null,
        configured: 'http://localhost:8080/sso',
        source: 'environment',
        problem: expect.stringMatching(/without a path/),
      });
      const invalidProvider = await registerProvider(invalid, invalidAdmin);
      for (const [portal, id] of [
        [env.portal, providerId],
        [invalid, invalidProvider],
      ] as const) {
        const userId = await seedMfaUser(portal, 'dave', id);
        const browser = createClient(portal.fastify);
        await browser.session();
        const refused = await browser.post('/api/auth/login', { username: 'dave', password: STRONG_PASSWORD });
        expect(refused.status).toBe(503);
        expect(refused.json<ErrorBody>().error.code).toBe('MFA_UNAVAILABLE');
        expect(await lastAudit(portal, 'login.mfa_unavailable')).toMatchObject({
          reason: 'application_url_invalid',
          // Issue 13, item 7: the refusal names the user who could not sign in (the provider is in the details).
          target_label: 'dave',
          details: { provider: 'Duo Security' },
        });
        await expectSignedOut(browser);
        expect(await sessionsOf(portal, userId)).toHaveLength(0);
      }
    });
  });

  describe('issue 13.2: a change runs the diagnostics first, says what would break, and asks', () => {
    let duo: DuoSignIn;
    const UNRESOLVABLE = 'http://portcullis.does-not-resolve.invalid:8080';
    type Preview = {
      applicationUrl: string;
      unchanged: boolean;
      usable: boolean;
      refused: boolean;
      needsConfirmation: boolean;
      affectedUsers: number;
      mfaRequired: boolean;
      providers: { id: number; name: string }[];
      checks: { id: string; status: string }[];
    };
    const preview = async (applicationUrl: string) => {
      const response = await duo.admin.post('/api/admin/settings/application-url/check', { applicationUrl });
      expect(response.status, response.body).toBe(200);
      return response.json<Preview>();
    };
    const put = (applicationUrl: string, confirmAffectedUsers?: number) =>
      duo.admin.raw('PUT', '/api/admin/settings/application-url', {
        body: { applicationUrl, ...(confirmAffectedUsers !== undefined && { confirmAffectedUsers }) },
      });
    const stored = async () =>
      (await duo.admin.get('/api/admin/settings/application-url')).json<{ url: string; callbacks: unknown[] }>();

    beforeAll(async () => {
      duo = await startDuoSignIn(engine, { applicationUrl: 'http://localhost:8080' });
      await seedMfaUser(duo.portal, 'mfa-one', duo.providerId);
      await seedMfaUser(duo.portal, 'mfa-two', duo.providerId);
      await seedUser(duo.portal, 'no-mfa');
    });
    afterAll(() => duo.close());

    it('lists each provider’s real callback, and previews a change without making it', async () => {
      expect((await stored()).callbacks).toEqual([
        {
          providerId: duo.providerId,
          providerName: 'Duo Security',
          url: `http://localhost:8080/api/auth/mfa/${duo.providerId}/callback`,
        },
      ]);
      const change = await preview('http://localhost:8090/');
      expect(change).toMatchObject({
        applicationUrl: 'http://localhost:8090',
        unchanged: false,
        usable: true,
        refused: false,
        needsConfirmation: true,
        affectedUsers: 2, // the two who sign in with Duo; MFA is not required, so not no-mfa
        mfaRequired: false,
        providers: [{ id: duo.providerId, name: 'Duo Security' }],
      });
      expect(change.checks.map((check) => check.id)).toEqual(
        expect.arrayContaining(['application_url', 'dns', 'certificate', `duo_reachable:${duo.providerId}`]),
      );
      expect((await stored()).url).toBe('http://localhost:8080');
    });

    it('needs the number of affected users as confirmation; a wrong or missing count changes nothing', async () => {
      for (const count of [undefined, 1, 3]) {
        const refused = await put('http://localhost:8090', count);
        expect(refused.status).toBe(409);
        expect(refused.json<ErrorBody & { error: { details: { preview: Preview } } }>().error).toMatchObject({
          code: 'APPLICATION_URL_CONFIRM',
          details: { preview: { affectedUsers: 2, providers: [{ name: 'Duo Security' }] } },
        });
        expect((await stored()).url).toBe('http://localhost:8080');
      }
      expect((await put('http://localhost:8090', 2)).status).toBe(200);
      expect((await stored()).url).toBe('http://localhost:8090');
      expect(await lastAudit(duo.portal, 'settings.updated')).toMatchObject({
        details: { changes: { applicationUrl: { from: 'http://localhost:8080', to: 'http://localhost:8090' } } },
      });
      // Saving the value in use again changes nothing and needs no confirmation.
      expect((await preview('http://localhost:8090')).needsConfirmation).toBe(false);
      expect((await put('http://localhost:8090')).status).toBe(200);
    });

    it('with MFA off, an address that does not resolve is allowed after confirmation, its failure shown', async () => {
      const change = await preview(UNRESOLVABLE);
      expect(change).toMatchObject({ usable: false, refused: false, needsConfirmation: true });
      expect(change.checks.find((check) => check.id === 'dns')?.status).toBe('fail');
      expect((await put(UNRESOLVABLE, change.affectedUsers)).status).toBe(200);
      expect((await put('http://localhost:8080', change.affectedUsers)).status).toBe(200);
    });

    it('while MFA is required, an address that does not resolve is refused, even confirmed', async () => {
      await seedMfaUser(duo.portal, 'mfa-admin', duo.providerId, { role: 'administrator' });
      await duo.portal.services.mfaPolicy.set(
        { mode: 'required', defaultProviderId: duo.providerId },
        { actor: null, ip: null, userAgent: 'test', requestId: null },
      );
      const change = await preview(UNRESOLVABLE);
      expect(change).toMatchObject({ mfaRequired: true, usable: false, refused: true });
      // Everyone not exempted signs in with MFA now: the three with Duo, and admin and no-mfa (enrolled at sign-in).
      expect(change.affectedUsers).toBe(5);
      const refused = await put(UNRESOLVABLE, change.affectedUsers);
      expect(refused.status).toBe(409);
      expect(refused.json<ErrorBody>().error.code).toBe('APPLICATION_URL_UNUSABLE');
      expect((await stored()).url).toBe('http://localhost:8080');
      // A working address is still accepted, confirmed.
      expect((await put('http://localhost:8091', 5)).status).toBe(200);
    });
  });

  describe('redirect URIs and return paths', () => {
    let duo: DuoSignIn;

    beforeAll(async () => {
      // The loopback peer is a trusted proxy here: even forwarded headers Fastify believes must not
      // reach the redirect URI.
      duo = await startDuoSignIn(engine, {
        env: { PORTCULLIS_TRUSTED_PROXIES: '127.0.0.1' },
        applicationUrl: 'http://localhost:8080',
      });
      await seedMfaUser(duo.portal, 'erin', duo.providerId);
      await seedUser(duo.portal, 'plainuser');
    });
    afterAll(() => duo.close());

    it('anchors 50: forged Host / X-Forwarded-Host never reach the redirect_uri sent to Duo', async () => {
      const forged = {
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
        forwarded: 'host=evil.example;proto=https',
      };
      const expected = `http://localhost:8080/api/auth/mfa/${duo.providerId}/callback`;
      const browser = createClient(duo.portal.fastify);
      await browser.session();
      const login = await browser.post('/api/auth/login', { username: 'erin', password: STRONG_PASSWORD }, forged);
      const authorize = login.json<{ redirectTo: string }>().redirectTo;
      expect(authorize.startsWith(`${duo.env.emulator.baseUrl}/oauth/v1/authorize?`)).toBe(true);
      expect(requestClaims(authorize).redirect_uri).toBe(expected);
      expect(new URL(authorize).searchParams.get('redirect_uri')).toBe(expected);
      expect(authorize).not.toContain('evil');
      // The same for "Configure MFA".
      await seedUser(duo.portal, 'frank');
      const frank = createClient(duo.portal.fastify);
      await frank.signIn('frank', STRONG_PASSWORD);
      const configure = await frank.post('/api/me/mfa/configure', { providerId: duo.providerId }, forged);
      expect(requestClaims(configure.json<{ redirectTo: string }>().redirectTo).redirect_uri).toBe(expected);
      // And Duo itself sends the browser back to the configured address.
      const back = await duo.env.emulator.completeAuthorization(authorize, 'approve');
      expect(back.kind === 'redirect' && back.url.startsWith(`${expected}?`)).toBe(true);
    });

    it('cases 45–49: a returnTo given at sign-in lands after the callback, carried only by the server record', async () => {
      for (const returnTo of ['/settings/users?tab=mfa#top', '/account', '/audit?from=2026-01-01&type=login']) {
        const browser = createClient(duo.portal.fastify);
        const callback = await atDuo(duo.env, await beginDuoSignIn(browser, 'erin', { returnTo }));
        // Duo's redirect carries nothing but the code and state.
        expect([...new URL(callback, 'https://x.invalid').searchParams.keys()].sort()).toEqual(['duo_code', 'state']);
        // A returnTo slipped into the callback URL is not read.
        const back = await browser.get(`${callback}&returnTo=${encodeURIComponent('https://evil.example')}`);
        expect(back.headers.location).toBe(returnTo);
      }
    });

    it.each([
      ['45', 'https://evil.example'],
      ['45', 'http://evil.example/path'],
      ['46', '//evil.example'],
      ['46', '/\\evil.example'],
      ['46', '\\\\evil.example'],
      ['46', 'https:evil.example'],
      ['46', '%2F%2Fevil.example'],
      ['46', '/%2F/evil.example'],
      ['46', '/%09/evil.example'],
      ['46', '/%5Cevil.example'],
      ['47', 'javascript:alert(1)'],
      ['47', 'data:text/html,<script>alert(1)</script>'],
      ['47', 'vbscript:msgbox(1)'],
      ['47', '/\r\nLocation: https://evil.example'],
      ['47', '/%0d%0aSet-Cookie:%20x=1'],
      ['48', 'https://portal.example@evil.example'],
      ['48', 'https://localhost:8080.evil.example/'],
    ])('anchors %s: returnTo %j lands on / after the round trip', async (_anchor, returnTo) => {
      const browser = createClient(duo.portal.fastify);
      const back = await browser.get(await atDuo(duo.env, await beginDuoSignIn(browser, 'erin', { returnTo })));
      expect(back.status).toBe(303);
      expect(back.headers.location).toBe('/');
    });

    it.each(['/.//evil.example', '/..//evil.example', '/account/..//evil.example', '/%2E//evil.example/x?y=1'])(
      'anchors 46 (regression: dot segments turned %j into the protocol-relative redirect //evil.example) → /',
      async (returnTo) => {
        const browser = createClient(duo.portal.fastify);
        const back = await browser.get(await atDuo(duo.env, await beginDuoSignIn(browser, 'erin', { returnTo })));
        expect(back.headers.location).toBe('/');
        // The password-only path (no MFA for this user) uses the same check, for the JSON answer and the form.
        const plain = createClient(duo.portal.fastify);
        await plain.session();
        const json = await plain.post('/api/auth/login', {
          username: 'plainuser',
          password: STRONG_PASSWORD,
          returnTo,
        });
        expect(json.json()).toEqual({ status: 'signed_in', redirectTo: '/' });
        const form = createClient(duo.portal.fastify);
        await form.session();
        const posted = await form.postForm('/api/auth/login', {
          username: 'plainuser',
          password: STRONG_PASSWORD,
          returnTo,
        });
        expect(posted.headers.location).toBe('/');
      },
    );

    it('anchors 49: the stored destination is checked again when used', async () => {
      const browser = createClient(duo.portal.fastify);
      const callback = await atDuo(duo.env, await beginDuoSignIn(browser, 'erin', { returnTo: '/account' }));
      // Whatever happened to the record in between (an older version, a manual edit), it is re-validated.
      await duo.portal.services.storage.db
        .updateTable('mfa_challenges')
        .set({ return_path: '//evil.example/landing' })
        .execute();
      expect((await browser.get(callback)).headers.location).toBe('/');
    });

    it('cases 45–49: the HTML form keeps the destination through the 302 to Duo and back', async () => {
      const browser = createClient(duo.portal.fastify);
      await browser.session();
      const form = await browser.postForm('/api/auth/login', {
        username: 'erin',
        password: STRONG_PASSWORD,
        returnTo: '/settings/system',
      });
      expect(form.status).toBe(302);
      const authorize = String(form.headers.location);
      expect(authorize).not.toContain('settings');
      expect((await browser.get(await atDuo(duo.env, authorize))).headers.location).toBe('/settings/system');
    });
  });
});
