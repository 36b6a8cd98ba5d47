// Forward-auth in real Chromium, end to end through real nginx over HTTPS: the browser opens a
// protected application (a page that shows the headers it received), signs in at the portal with
// password and Duo (the emulator's prompt, a push approved on its phone), and lands back on the page
// it asked for with the identity headers; a person outside the allowed group meets the 403 page; an
// MFA grown too old asks for the MFA step only. Then an administrator's screens: Groups, Applications
// with the rule tester, and each user's groups. Screenshots go to docs/screenshots.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../helpers/browser.ts';
import { type DuoSignIn, seedMfaUser, startDuoSignIn } from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { addMembers, createApplication, createGroup } from '../helpers/forward-auth.ts';
import { listen } from '../helpers/portal.ts';
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
import { FLOW_TIMEOUT, heading, openConsolePage, screenshot } from './support/console-page.ts';

// Real programs from Debian (see test/helpers/programs.ts): skipped here when missing, required in CI.
const MISSING_PROGRAMS = missingPrograms('nginx');

const ADMIN = { username: 'ada', password: STRONG_PASSWORD };

describe.skipIf(!browserAvailable() || MISSING_PROGRAMS)('forward-auth through nginx in Chromium', () => {
  let duo: DuoSignIn;
  let echo: EchoApp;
  let nginx: RunningProxy;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let app: string;
  let portal: string;
  const opened: Array<{ context: BrowserContext; problems: string[] }> = [];

  beforeAll(async () => {
    const port = await freePort();
    portal = `https://${PORTAL_HOST}:${port}`;
    app = `https://${APP_HOST}:${port}`;
    duo = await startDuoSignIn('sqlite', {
      env: { PORTCULLIS_TRUSTED_PROXIES: '127.0.0.1', PORTCULLIS_COOKIE_DOMAIN: DOMAIN },
      applicationUrl: portal,
    });
    await seedUser(duo.portal, ADMIN.username, { role: 'administrator' });
    const upstream = new URL(await listen(duo.portal)).host.replace('localhost', '127.0.0.1');
    echo = await startEchoApp();
    nginx = await startNginx({ port, portals: [upstream], app: echo.address });
    const admins = await createGroup(duo.admin, 'admins', 'required');
    await createGroup(duo.admin, 'contractors', 'inherit');
    const alice = await seedMfaUser(duo.portal, 'alice', duo.providerId);
    await seedMfaUser(duo.portal, 'bob', duo.providerId);
    await addMembers(duo.admin, admins.id, [alice]);
    for (const name of ['alice', 'bob']) duo.env.emulator.setUser(name, { enrolled: true });
    await createApplication(duo.admin, {
      name: 'Grafana',
      description: 'Dashboards',
      colour: '#ea580c',
      urls: [{ host: APP_HOST }],
      rules: [
        { who: { kind: 'everyone' }, requirement: 'deny', networks: ['192.0.2.0/24'] },
        { who: { kind: 'members', groupIds: [admins.id], userIds: [] }, requirement: 'mfa', mfaMaxAgeMinutes: 15 },
        { who: { kind: 'everyone' }, requirement: 'deny' },
      ],
      headers: { user: true, groups: true, email: true, name: true, authLevel: true, jwt: true },
    });
    await createApplication(duo.admin, {
      name: 'Proxmox',
      colour: '#7c3aed',
      urls: [{ host: '*.lab.example.com' }],
      rules: [
        { who: { kind: 'members', groupIds: [admins.id], userIds: [] }, requirement: 'factor', factorTypes: ['duo'] },
      ],
    });
    browser = await launchBrowser([
      `--host-resolver-rules=MAP *.${DOMAIN} 127.0.0.1`,
      `--ignore-certificate-errors-spki-list=${nginx.spki},${duo.env.emulator.serverSpkiSha256}`,
    ]);
  });

  afterAll(async () => {
    for (const { context } of opened) await context.close();
    await browser?.close();
    await nginx?.close();
    await echo?.close();
    await duo?.close();
  });

  /** A new browser profile (its own cookies). */
  async function newPage(): Promise<Page> {
    const console = await openConsolePage(browser);
    opened.push(console);
    return console.page;
  }

  const phone = (page: Page) => page.getByRole('complementary', { name: 'Simulated Duo Mobile phone' });

  async function approvePush(page: Page) {
    await page.waitForURL((url) => url.origin === duo.env.emulator.baseUrl);
    await page.getByRole('button', { name: 'Send Me a Push' }).click();
    await phone(page).getByRole('button', { name: 'Approve' }).click();
  }

  async function signInAtPortal(page: Page, username: string, picture?: string) {
    await heading(page, 'Sign in').waitFor();
    expect(new URL(page.url()).origin).toBe(portal);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(STRONG_PASSWORD);
    if (picture) await screenshot(page, picture);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it(
    'anonymous → sign-in → password → Duo → back to the page asked for, with the identity headers',
    async () => {
      const page = await newPage();
      await page.goto(`${app}/d/home?orgId=1`);
      await signInAtPortal(page, 'alice', 'forward-auth-sign-in.png');
      await approvePush(page);
      await page.getByRole('heading', { name: 'Grafana (test application)' }).waitFor();
      expect(page.url()).toBe(`${app}/d/home?orgId=1`);
      const row = (name: string) => page.getByRole('row', { name: new RegExp(`^${name}`) });
      await expect(row('remote-user').textContent()).resolves.toContain('alice');
      await expect(row('remote-groups').textContent()).resolves.toContain('admins');
      await expect(row('remote-auth-level').textContent()).resolves.toContain('mfa');
      await screenshot(page, 'forward-auth-app.png');
      // The browser keeps the forward-auth cookie for the parent domain, and the console's for the portal only.
      const cookies = await page.context().cookies();
      expect(cookies.find((cookie) => cookie.name === '__Secure-portcullis_proxy')).toMatchObject({
        domain: `.${DOMAIN}`,
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
      });
      expect(cookies.find((cookie) => cookie.name === '__Host-portcullis_session')?.domain).toBe(PORTAL_HOST);

      // Sixteen minutes later Grafana's rule wants a fresher MFA: the MFA step only, no password.
      duo.portal.clock.advance(16 * 60_000);
      await page.goto(`${app}/alerting`);
      await heading(page, 'Confirm it is you').waitFor();
      await page.getByText('Grafana asks for MFA within 15 minutes.', { exact: false }).waitFor();
      await screenshot(page, 'forward-auth-step-up.png');
      await page.getByRole('button', { name: 'Continue with MFA' }).click();
      await approvePush(page);
      await page.getByRole('heading', { name: 'Grafana (test application)' }).waitFor();
      expect(page.url()).toBe(`${app}/alerting`);
      expect(opened.at(-1)?.problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );

  it(
    'a person outside the allowed group meets the 403 page',
    async () => {
      const page = await newPage();
      await page.goto(`${app}/`);
      await signInAtPortal(page, 'bob');
      await approvePush(page);
      await heading(page, 'Access denied').waitFor();
      await page.getByText('You are signed in as bob, but Grafana is not open to your account.').waitFor();
      await screenshot(page, 'forward-auth-denied.png');
      expect(echo.received.some((request) => request.headers['remote-user'] === 'bob')).toBe(false);
    },
    FLOW_TIMEOUT,
  );

  it(
    "an administrator's screens: Groups, Applications with the rule tester, each user's groups",
    async () => {
      const page = await newPage();
      await page.goto(`${portal}/signin`);
      await signInAtPortal(page, ADMIN.username);
      await heading(page, 'Welcome, Ada').waitFor();

      await page.goto(`${portal}/settings/groups`);
      await heading(page, 'Groups').waitFor();
      await page.getByRole('table', { name: 'Groups' }).getByRole('link', { name: 'admins' }).waitFor();
      await screenshot(page, 'settings-groups.png');
      await page.getByRole('link', { name: 'admins' }).click();
      await heading(page, 'admins').waitFor();
      await page.getByRole('button', { name: 'Add members' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add members to admins' });
      await dialog.getByRole('checkbox', { name: /bob/ }).check();
      await dialog.getByRole('button', { name: 'Add 1 member' }).click();
      await page.getByRole('table', { name: 'Members' }).getByText('bob', { exact: true }).waitFor();
      await screenshot(page, 'settings-group.png');

      await page.goto(`${portal}/settings/users`);
      await page
        .getByRole('table', { name: 'Users' })
        .getByRole('row', { name: /alice/ })
        .getByRole('link', { name: 'admins' })
        .waitFor();
      await screenshot(page, 'settings-users-groups.png');

      await page.goto(`${portal}/settings/applications`);
      await heading(page, 'Applications').waitFor();
      await page.getByRole('table', { name: 'Applications' }).getByRole('link', { name: 'Grafana' }).waitFor();
      await screenshot(page, 'settings-applications.png');

      // Add an application: a bad network is refused in place, then the default rule is kept.
      await page.getByRole('link', { name: 'Add', exact: true }).click();
      await heading(page, 'Add application').waitFor();
      await page.getByLabel('Name', { exact: true }).fill('Wiki');
      await page.getByLabel('Host', { exact: true }).fill('wiki.portcullis.test');
      await page.getByLabel('From networks').fill('10.0.0.0/33');
      await page.getByRole('button', { name: 'Add application' }).click();
      await page.getByText('"10.0.0.0/33" has an invalid prefix length: IPv4 allows 0 to 32.').waitFor();
      await page.getByLabel('From networks').fill('');
      await page.getByRole('button', { name: 'Add application' }).click();
      await heading(page, 'Applications').waitFor();
      await page.getByRole('table', { name: 'Applications' }).getByRole('link', { name: 'Wiki' }).waitFor();

      // The rule tester, on Grafana's saved rules (as the form shows them).
      await page.getByRole('link', { name: 'Grafana' }).click();
      await heading(page, 'Edit Grafana').waitFor();
      const tester = page.getByRole('form', { name: 'Rule tester' });
      await tester.getByLabel('User').fill('alice');
      await tester.getByLabel('MFA minutes ago').fill('40');
      await tester.getByRole('button', { name: 'Test' }).click();
      await page
        .getByText(
          'Rule 2 matched: Group admins · MFA within 15 minutes → MFA step first (the last MFA was 40 minutes ago), then allow.',
        )
        .waitFor();
      await screenshot(page, 'settings-application-edit.png');
      expect(opened.at(-1)?.problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );
});
