// Forward-auth behind the real proxies people run: Debian's nginx (auth_request) and Caddy
// (forward_auth), over HTTPS on loopback ports, with the configurations of docs/protect-an-app.md,
// in front of an application that echoes what reaches it. On both engines: anonymous → sign-in →
// password → Duo (the emulator) → back with the identity headers; a group that is not allowed → the
// 403 page; an MFA too old → the MFA step only; a spoofed Remote-User never reaches the application;
// a signed-out session stops passing within the cache bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_CACHE_TTL_MS } from '../../src/server/forward-auth/session-cache.ts';
import {
  atDuo,
  changeApplicationUrl,
  type DuoSignIn,
  freshAdmin,
  mfaUsers,
  startDuoSignIn,
} from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD } from '../helpers/fixtures.ts';
import { addMembers, createApplication, createGroup } from '../helpers/forward-auth.ts';
import { ENGINES, listen } from '../helpers/portal.ts';
import { missingPrograms } from '../helpers/programs.ts';
import {
  APP_HOST,
  DOMAIN,
  type EchoApp,
  freePort,
  PORTAL_HOST,
  type RunningProxy,
  startCaddy,
  startEchoApp,
  startNginx,
} from '../helpers/proxies.ts';
import { createProxyBrowser, type ProxyBrowser } from '../helpers/proxy-browser.ts';

// Real programs from Debian (see test/helpers/programs.ts): skipped here when missing, required in CI.
const MISSING_PROGRAMS = missingPrograms('nginx', 'caddy');

const PROXIES = ['nginx', 'caddy'] as const;
type Echoed = { method: string; url: string; headers: Record<string, string | undefined> };

describe.skipIf(MISSING_PROGRAMS).each(ENGINES)('forward-auth behind real proxies on %s', (engine) => {
  let duo: DuoSignIn;
  let echo: EchoApp;
  let admins: number;
  let portalAddress: string;
  const newUser = mfaUsers(`px${engine.slice(0, 2)}`, () => ({ portal: duo.portal, providerId: duo.providerId }));

  beforeAll(async () => {
    duo = await startDuoSignIn(engine, {
      env: { PORTCULLIS_TRUSTED_PROXIES: '127.0.0.1', PORTCULLIS_COOKIE_DOMAIN: DOMAIN },
      applicationUrl: `https://${PORTAL_HOST}`,
    });
    portalAddress = new URL(await listen(duo.portal)).host.replace('localhost', '127.0.0.1');
    echo = await startEchoApp();
    admins = (await createGroup(duo.admin, 'admins')).id;
    await createApplication(duo.admin, {
      name: 'Grafana',
      colour: '#ea580c',
      urls: [{ host: APP_HOST }],
      rules: [
        { who: { kind: 'members', groupIds: [admins], userIds: [] }, requirement: 'mfa', mfaMaxAgeMinutes: 15 },
        { who: { kind: 'everyone' }, requirement: 'deny' },
      ],
      headers: { user: true, groups: true, email: false, name: true, authLevel: true, jwt: false },
    });
  });
  afterAll(async () => {
    await echo?.close();
    await duo?.close();
  });

  describe.each(PROXIES)('%s', (kind) => {
    let proxy: RunningProxy;
    let app: string;
    let portal: string;

    beforeAll(async () => {
      const port = await freePort();
      proxy =
        kind === 'nginx'
          ? await startNginx({ port, portals: [portalAddress], app: echo.address })
          : await startCaddy({ port, portal: portalAddress, app: echo.address });
      app = proxy.url(APP_HOST);
      portal = proxy.url(PORTAL_HOST);
      // Sign-in happens at the portal through this proxy (the Application URL Duo sends people back to).
      const admin = await freshAdmin(duo.portal);
      await changeApplicationUrl(admin, portal);
      duo.portal.clock.advance(1_001); // every node sees the new Application URL within a second
    });
    afterAll(() => proxy?.close());

    const browserFor = () => createProxyBrowser({ port: proxy.port, caPem: proxy.caPem });
    const echoed = (response: { json<T>(): T }) => response.json<Echoed>();

    async function csrf(browser: ProxyBrowser): Promise<string> {
      return (await browser.get(`${portal}/api/session`)).json<{ csrfToken: string }>().csrfToken;
    }

    /** Anonymous at the application → the portal → password → Duo → back to `target`. */
    async function signInThroughProxy(browser: ProxyBrowser, username: string, target: string) {
      const first = await browser.get(target);
      expect(first.status, proxy.log()).toBe(302);
      expect(first.location).toBe(`${portal}/access/continue?rd=${encodeURIComponent(target)}`);
      const toSignIn = await browser.get(first.location ?? '');
      expect(toSignIn.status).toBe(303);
      const returnTo = new URL(toSignIn.location ?? '').searchParams.get('returnTo') ?? '';
      const login = await browser.post(
        `${portal}/api/auth/login`,
        { username, password: STRONG_PASSWORD, returnTo },
        { 'x-csrf-token': await csrf(browser) },
      );
      const next = login.json<{ status: string; redirectTo: string }>();
      expect(next.status).toBe('mfa_required');
      const callback = await atDuo(duo.env, next.redirectTo);
      const back = await browser.get(`${portal}${callback}`);
      expect(back.location).toBe(`${portal}${returnTo}`);
      const continued = await browser.get(back.location ?? '');
      return continued;
    }

    it('anonymous → sign-in → password → Duo → back to the original URL with the identity headers; a spoofed Remote-User never arrives', async () => {
      const { username, id } = await newUser();
      await addMembers(await freshAdmin(duo.portal), admins, [id]);
      const browser = browserFor();
      const target = `${app}/d/home?orgId=1`;
      const continued = await signInThroughProxy(browser, username, target);
      expect(continued.status).toBe(303);
      expect(continued.location).toBe(target);
      expect(browser.cookiesFor(APP_HOST).map((cookie) => cookie.name)).toEqual(['__Secure-portcullis_proxy']);

      const arrived = await browser.get(target, {
        'Remote-User': 'mallory',
        'Remote-Groups': 'root',
        'Remote-Email': 'mallory@evil.example',
      });
      expect(arrived.status).toBe(200);
      const { headers, url } = echoed(arrived);
      expect(url).toBe('/d/home?orgId=1');
      expect(headers['remote-user']).toBe(username);
      expect(headers['remote-groups']).toBe('admins');
      expect(headers['remote-auth-level']).toBe('mfa');
      // Not shared with this application: the client's value is gone too, and no proxy placeholder text.
      expect(headers['remote-email'] ?? '').toBe('');
      expect(JSON.stringify(headers)).not.toContain('{http.');
      // Portcullis' forward-auth cookie stays out of the application's hands.
      const token = browser.cookiesFor(APP_HOST)[0]?.value ?? 'missing';
      expect(headers.cookie ?? '').not.toContain(token);

      // Nobody signed in: a spoofed identity gets a redirect, and the application sees nothing.
      const before = echo.received.length;
      const spoofed = await browserFor().get(target, { 'Remote-User': username, 'Remote-Groups': 'admins' });
      expect(spoofed.status).toBe(302);
      expect(echo.received.length).toBe(before);
    });

    it('a group that is not allowed → the 403 page (at the portal, and on the application once access is taken away)', async () => {
      const outsider = await newUser();
      const browser = browserFor();
      const refused = await signInThroughProxy(browser, outsider.username, `${app}/`);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain(
        `You are signed in as <strong>${outsider.username}</strong>, but Grafana is not open to your account.`,
      );

      const insider = await newUser();
      const admin = await freshAdmin(duo.portal);
      await addMembers(admin, admins, [insider.id]);
      const inside = browserFor();
      await signInThroughProxy(inside, insider.username, `${app}/`);
      expect((await inside.get(`${app}/`)).status).toBe(200);
      const removed = await admin.raw('DELETE', `/api/admin/groups/${admins}/members/${insider.id}`);
      expect(removed.status).toBe(204);
      duo.portal.clock.advance(SESSION_CACHE_TTL_MS);
      const page = await inside.get(`${app}/`, { accept: 'text/html' });
      expect(page.status, proxy.log()).toBe(403);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('Decided by rule 2 of Grafana.');
    });

    it('an MFA that is too old → the MFA step only, then back; a signed-out session stops passing within the bound', async () => {
      const { username, id } = await newUser();
      await addMembers(await freshAdmin(duo.portal), admins, [id]);
      const browser = browserFor();
      await signInThroughProxy(browser, username, `${app}/`);
      duo.portal.clock.advance(16 * 60_000);

      const stale = await browser.get(`${app}/admin`);
      expect(stale.status).toBe(302);
      const toStepUp = await browser.get(stale.location ?? '');
      expect(toStepUp.location).toBe(`${portal}/access/verify?rd=${encodeURIComponent(`${app}/admin`)}`);
      const started = await browser.postForm(`${portal}/api/authz/step-up`, {
        rd: `${app}/admin`,
        _csrf: await csrf(browser),
      });
      // Straight to Duo: no password page on the way.
      expect(started.status).toBe(302);
      expect(new URL(started.location ?? '').origin).toBe(duo.env.emulator.baseUrl);
      const callback = await atDuo(duo.env, started.location ?? '');
      const back = await browser.get(`${portal}${callback}`);
      const continued = await browser.get(back.location ?? '');
      expect(continued.location).toBe(`${app}/admin`);
      expect(echoed(await browser.get(`${app}/admin`)).headers['remote-user']).toBe(username);

      const signedOut = await browser.post(`${portal}/api/auth/logout`, {}, { 'x-csrf-token': await csrf(browser) });
      expect(signedOut.status).toBe(204);
      duo.portal.clock.advance(SESSION_CACHE_TTL_MS);
      expect((await browser.get(`${app}/`)).status).toBe(302);
    });
  });
});
