// Two Portcullis nodes on one PostgreSQL database behind one nginx (round robin, no stickiness), with
// a clock that runs in real time: a sign-in spread over both nodes, checks answered by either, and
// revocation (sign-out, a disabled user) and a changed rule seen by the other node within its bound.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_CHECK_INTERVAL_MS } from '../../src/server/forward-auth/access-snapshot.ts';
import { SESSION_CACHE_TTL_MS } from '../../src/server/forward-auth/session-cache.ts';
import { atDuo, type DuoSignIn, freshAdmin, mfaUsers, startDuoSignIn } from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD, SYSTEM_CONTEXT } from '../helpers/fixtures.ts';
import { addMembers, askProxy, createApplication, createGroup } from '../helpers/forward-auth.ts';
import { listen, startTestPortal, type TestClock, type TestPortal } from '../helpers/portal.ts';
import { missingPrograms } from '../helpers/programs.ts';
import {
  APP_HOST,
  DOMAIN,
  type EchoApp,
  freePort,
  PORTAL_HOST,
  type RunningProxy,
  startEchoApp,
  startNginx,
} from '../helpers/proxies.ts';
import { createProxyBrowser, type ProxyBrowser } from '../helpers/proxy-browser.ts';

// Real programs from Debian (see test/helpers/programs.ts): skipped here when missing, required in CI.
const MISSING_PROGRAMS = missingPrograms('nginx');

/** The portal's clock following real time (tests of time bounds that must hold on a wall clock). */
function liveClock(): TestClock {
  let offset = 0;
  return Object.assign(() => Date.now() + offset, {
    advance(ms: number) {
      offset += ms;
    },
    set(ms: number) {
      offset = ms - Date.now();
    },
  });
}

describe.skipIf(MISSING_PROGRAMS)('forward-auth with two nodes behind one nginx on PostgreSQL', () => {
  let duo: DuoSignIn;
  let nodeA: TestPortal;
  let nodeB: TestPortal;
  let echo: EchoApp;
  let nginx: RunningProxy;
  let portal: string;
  let app: string;
  let appId: number;
  let admins: number;
  const env = { PORTCULLIS_TRUSTED_PROXIES: '127.0.0.1', PORTCULLIS_COOKIE_DOMAIN: DOMAIN };
  const newUser = mfaUsers('nodes', () => ({ portal: nodeA, providerId: duo.providerId }));

  beforeAll(async () => {
    const port = await freePort();
    portal = `https://${PORTAL_HOST}:${port}`;
    app = `https://${APP_HOST}:${port}`;
    duo = await startDuoSignIn('postgres', { env, clock: liveClock(), applicationUrl: portal });
    nodeA = duo.portal;
    nodeB = await startTestPortal('postgres', {
      databaseUrl: nodeA.databaseUrl,
      dataDir: nodeA.dataDir,
      clock: nodeA.clock,
      env: { ...env, PORTCULLIS_DUO_CA_FILE: duo.env.emulator.caFile, PORTCULLIS_DUO_TIMEOUT_MS: '1500' },
    });
    const upstreams = [await listen(nodeA), await listen(nodeB)].map((url) =>
      new URL(url).host.replace('localhost', '127.0.0.1'),
    );
    echo = await startEchoApp();
    nginx = await startNginx({ port, portals: upstreams, app: echo.address });
    admins = (await createGroup(duo.admin, 'admins')).id;
    appId = (
      await createApplication(duo.admin, {
        name: 'Grafana',
        urls: [{ host: APP_HOST }],
        rules: [{ who: { kind: 'members', groupIds: [admins], userIds: [] }, requirement: 'mfa' }],
      })
    ).id;
  });
  afterAll(async () => {
    await nginx?.close();
    await echo?.close();
    await nodeB?.close();
    await duo?.close();
  });

  const csrf = async (browser: ProxyBrowser) =>
    (await browser.get(`${portal}/api/session`)).json<{ csrfToken: string }>().csrfToken;

  async function signedIn(): Promise<{ browser: ProxyBrowser; id: number; cookie: string }> {
    const { username, id } = await newUser();
    await addMembers(await freshAdmin(nodeA), admins, [id]);
    const browser = createProxyBrowser({ port: nginx.port, caPem: nginx.caPem });
    const first = await browser.get(`${app}/`);
    const toSignIn = await browser.get(first.location ?? '');
    const returnTo = new URL(toSignIn.location ?? '').searchParams.get('returnTo') ?? '';
    const login = await browser.post(
      `${portal}/api/auth/login`,
      { username, password: STRONG_PASSWORD, returnTo },
      { 'x-csrf-token': await csrf(browser) },
    );
    const back = await browser.get(`${portal}${await atDuo(duo.env, login.json<{ redirectTo: string }>().redirectTo)}`);
    const continued = await browser.get(back.location ?? '');
    expect(continued.location).toBe(`${app}/`);
    const proxy = browser.cookiesFor(APP_HOST)[0];
    return { browser, id, cookie: `${proxy?.name}=${proxy?.value}` };
  }

  /** The check as each node answers it, bypassing nginx's choice of node. */
  const onBothNodes = async (cookie: string) =>
    Promise.all([nodeA, nodeB].map(async (node) => (await askProxy(node.fastify, `${app}/`, { cookie })).status));

  it('a sign-in spread over both nodes is honoured by either, request after request', async () => {
    const { browser, cookie } = await signedIn();
    for (let round = 0; round < 6; round += 1)
      expect((await browser.get(`${app}/page/${round}`)).status, nginx.log()).toBe(200);
    expect(await onBothNodes(cookie)).toEqual([200, 200]);
  });

  it('signing out on one node: neither node lets the session through once the cache bound has passed (wall clock)', async () => {
    const { browser, cookie } = await signedIn();
    expect(await onBothNodes(cookie)).toEqual([200, 200]);
    const signedOutAt = Date.now();
    expect((await browser.post(`${portal}/api/auth/logout`, {}, { 'x-csrf-token': await csrf(browser) })).status).toBe(
      204,
    );
    await sleep(Math.max(0, signedOutAt + SESSION_CACHE_TTL_MS - Date.now()));
    expect(await onBothNodes(cookie)).toEqual([401, 401]);
    expect((await browser.get(`${app}/`)).status).toBe(302);
  });

  it('a user disabled on node A is refused by node B within the bound; a changed rule within a second', async () => {
    const { cookie, id } = await signedIn();
    await nodeA.services.accounts.updateUser(id, { disabled: true }, SYSTEM_CONTEXT);
    const disabledAt = Date.now();
    await sleep(Math.max(0, disabledAt + SESSION_CACHE_TTL_MS - Date.now()));
    expect(await onBothNodes(cookie)).toEqual([401, 401]);

    const other = await signedIn();
    const changed = await nodeA.services.applications.update(
      appId,
      {
        ...(await nodeA.services.applications.get(appId)),
        rules: [
          {
            who: { kind: 'everyone' },
            networks: [],
            methods: [],
            paths: [],
            requirement: 'deny',
            factorTypes: [],
            mfaMaxAgeMinutes: null,
          },
        ],
      },
      SYSTEM_CONTEXT,
    );
    expect(changed.ruleSummaries).toEqual(['Everyone signed in · deny']);
    const changedAt = Date.now();
    await sleep(Math.max(0, changedAt + ACCESS_CHECK_INTERVAL_MS - Date.now()));
    expect(await onBothNodes(other.cookie)).toEqual([403, 403]);
  });
});
