// Signing in with Duo in real Chromium: the portal on http://127.0.0.1 and the Duo emulator on
// https://localhost — two different sites, so the SameSite=Lax login cookie really has to survive
// Duo's redirect back. A new user walks the seed's "Configure Duo Security in Segura" steps from My
// account, then signs in with a push, denies and retries, re-authenticates through Duo, and meets
// the fail-closed page when Duo is down.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../helpers/browser.ts';
import { type PortalWithDuo, registerDuo } from '../helpers/duo.ts';
import { auditRows } from '../helpers/fixtures.ts';
import { apiAs, type DuoBrowserSuite, startDuoBrowserSuite } from './support/browser-suite.ts';
import { FLOW_TIMEOUT, heading, openConsolePage, screenshot, signIn } from './support/console-page.ts';

const ADMIN = { username: 'ada', password: 'analytical-engine-1843' };
const USER = { username: 'alice', password: 'through-the-looking-glass-1871' };

describe.skipIf(!browserAvailable())('signing in with Duo in Chromium', () => {
  let suite: DuoBrowserSuite;
  let env: PortalWithDuo;
  let portalUrl: string;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    suite = await startDuoBrowserSuite({
      people: [{ ...ADMIN, role: 'administrator' }, USER],
      loopbackIp: true,
      trustEmulator: true,
      prepare: async (started, url) => {
        await registerDuo(started, await apiAs(started, ADMIN), { applicationUrl: url });
      },
    });
    ({ env, baseUrl: portalUrl, browser, page, problems } = suite);
  });

  afterAll(() => suite?.close());

  const atDuo = () => page.waitForURL((url) => url.origin === env.emulator.baseUrl);
  const phone = () => page.getByRole('complementary', { name: 'Simulated Duo Mobile phone' });
  const mfaCard = () => page.getByRole('region', { name: 'Multi-factor authentication' });

  async function signOut() {
    await page.getByRole('button', { name: 'Alice' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
  }

  it(
    'configures Duo from My account, walking the seed’s enrolment steps',
    async () => {
      await signIn(page, portalUrl, USER.username, USER.password);
      await heading(page, 'Welcome, Alice').waitFor();
      await page.getByRole('region', { name: 'Multi-factor authentication' }).getByText('Not set up').waitFor();

      await page.getByRole('button', { name: 'Alice' }).click();
      await page.getByRole('menuitem', { name: 'My account' }).click();
      await heading(page, 'My account').waitFor();
      await mfaCard().getByText('Not set up').waitFor();
      expect(await mfaCard().getByLabel('Provider').inputValue()).not.toBe('');
      await screenshot(page, 'account-configure-mfa.png');
      await mfaCard().getByRole('button', { name: 'Configure MFA' }).click();

      // 1. Log in to your Duo application (the Universal Prompt opens for this user).
      await atDuo();
      // 2. Select Duo Mobile as the authentication method.
      await page.getByRole('button', { name: 'Duo Mobile' }).click();
      // 3. Select your country from the dropdown list.
      await page.getByLabel('Country').selectOption({ label: 'United States (+1)' });
      // 4. Enter your mobile number.
      await page.getByLabel('Phone number').fill('201 555 0123');
      // 5. Click Add phone number.
      await page.getByRole('button', { name: 'Add phone number' }).click();
      await page.getByText('+1 201-555-0123').waitFor();
      // 6. Click Yes, it's correct to confirm your phone number.
      await page.getByRole('button', { name: "Yes, it's correct" }).click();
      // 7. Click Next.
      await page.getByRole('button', { name: 'Next' }).click();
      // 8–9. Open Duo Mobile and add the account by scanning the QR code shown on screen.
      const qr = page.getByRole('img', { name: 'QR code to activate Duo Mobile' });
      await qr.waitFor();
      const decoded = await qr.evaluate((img) => {
        const loaded = img as unknown as { complete: boolean; naturalWidth: number };
        return loaded.complete && loaded.naturalWidth > 100;
      });
      expect(decoded).toBe(true);
      await screenshot(page, 'duo-enrolment-qr.png');
      await page.getByRole('button', { name: 'Simulate scan' }).click();
      // 10. When Duo Mobile has been added, click Continue.
      await page.getByRole('heading', { name: 'Duo Mobile added' }).waitFor();
      await page.getByRole('button', { name: 'Continue' }).click();
      // 11. To finish, click Log in with Duo — and approve the push on the phone.
      await page.getByRole('button', { name: 'Log in with Duo' }).click();
      await page.getByRole('heading', { name: 'Check for a Duo Push' }).waitFor();
      await screenshot(page, 'duo-push.png');
      await phone().getByRole('button', { name: 'Approve' }).click();

      await page.waitForURL(`${portalUrl}/account?mfa=configured`);
      await mfaCard().getByText('Multi-factor authentication is set up').waitFor();
      await mfaCard().getByText('Set up', { exact: true }).waitFor();
      await mfaCard().getByRole('definition').filter({ hasText: 'Duo Security' }).waitFor();
      expect(env.emulator.getUser(USER.username)).toMatchObject({ enrolled: true, phone: '+1 201-555-0123' });
    },
    FLOW_TIMEOUT,
  );

  it(
    'signs out, then signs in again with an approved push',
    async () => {
      await signOut();
      await signIn(page, portalUrl, USER.username, USER.password);
      await atDuo();
      await page.getByRole('button', { name: 'Send Me a Push' }).click();
      await phone().getByRole('button', { name: 'Approve' }).click();
      await heading(page, 'Welcome, Alice').waitFor();
      expect(new URL(page.url()).origin).toBe(portalUrl);
      await page.getByRole('region', { name: 'Your sign-in' }).getByText('Password and MFA').waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'stays on the prompt after a denied push, and signs in once when the retry is approved',
    async () => {
      await signOut();
      const before = (await auditRows(env.portal, 'login.succeeded')).length;
      await signIn(page, portalUrl, USER.username, USER.password);
      await atDuo();
      await page.getByRole('button', { name: 'Send Me a Push' }).click();
      await phone().getByRole('button', { name: 'Deny' }).click();
      await page.getByRole('alert').filter({ hasText: 'Login request denied.' }).waitFor();
      expect(new URL(page.url()).origin).toBe(env.emulator.baseUrl);

      await page.getByRole('button', { name: 'Send Me a Push' }).click();
      await phone().getByRole('button', { name: 'Approve' }).click();
      await heading(page, 'Welcome, Alice').waitFor();
      expect((await auditRows(env.portal, 'login.succeeded')).length).toBe(before + 1);

      await page.goto(`${portalUrl}/account`);
      const sessions = page.getByRole('table', { name: 'Active sessions' });
      await sessions.getByText('This device').waitFor();
      expect(await sessions.getByRole('row').count()).toBe(2); // the header and this one session
    },
    FLOW_TIMEOUT,
  );

  it(
    'asks for the password and a push before setting Duo up again when the sign-in is no longer recent',
    async () => {
      env.portal.clock.advance(11 * 60 * 1000); // past the 10-minute recent sign-in window
      await page.goto(`${portalUrl}/account`);
      // Several methods per user (issue 8): Duo held already, "Add method" with Duo sets it up again at
      // Duo (a new phone, say) instead of the old one-MFA "Replace your MFA?".
      await mfaCard().getByText('You already have it: this sets it up again at Duo').waitFor();
      await mfaCard().getByRole('button', { name: 'Add method' }).click();

      const confirm = page.getByRole('dialog', { name: 'Confirm your password' });
      await confirm.getByText('then your second step (a Duo push or a code from your app)').waitFor();
      await confirm.getByLabel('Password', { exact: true }).fill(USER.password);
      await confirm.getByRole('button', { name: 'Confirm' }).click();
      await atDuo();
      await page.getByRole('button', { name: 'Send Me a Push' }).click();
      await phone().getByRole('button', { name: 'Approve' }).click();
      await page.waitForURL(`${portalUrl}/account`);

      // Fresh again: Add method now goes straight to Duo.
      await mfaCard().getByRole('button', { name: 'Add method' }).click();
      await atDuo();
      await page.getByRole('button', { name: 'Send Me a Push' }).click();
      await phone().getByRole('button', { name: 'Approve' }).click();
      await page.waitForURL(`${portalUrl}/account?mfa=configured`);
      await mfaCard().getByText('Multi-factor authentication is set up').waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'fails closed when Duo is unreachable: a clear page and no session',
    async () => {
      await signOut();
      env.emulator.setFaults([{ endpoint: 'health_check', kind: 'http_503_empty' }]);
      env.portal.clock.advance(31_000); // the cached health check (30 s) expires
      try {
        await signIn(page, portalUrl, USER.username, USER.password);
        await heading(page, 'Multi-factor authentication is unavailable').waitFor();
        expect(new URL(page.url()).searchParams.get('error')).toBe('MFA_UNAVAILABLE');
        await page.getByRole('alert').getByText('you cannot sign in').waitFor();
        const session = await page.evaluate<{ authenticated: boolean }>(
          "fetch('/api/session').then((response) => response.json())",
        );
        expect(session.authenticated).toBe(false);
        await screenshot(page, 'mfa-unavailable.png');
        await page.getByRole('button', { name: 'Try again' }).click();
        await heading(page, 'Sign in').waitFor();
      } finally {
        env.emulator.setFaults([]);
      }
    },
    FLOW_TIMEOUT,
  );

  it(
    'lets an administrator reset the user’s MFA from Users',
    async () => {
      const admin = await openConsolePage(browser);
      try {
        await signIn(admin.page, portalUrl, ADMIN.username, ADMIN.password);
        await heading(admin.page, 'Welcome, Ada').waitFor();
        await admin.page.goto(`${portalUrl}/settings/users`);
        const aliceRow = admin.page
          .getByRole('table', { name: 'Users' })
          .getByRole('row')
          .filter({ hasText: 'alice@' });
        await aliceRow.getByText('Duo Security').waitFor();
        await admin.page.getByRole('button', { name: 'Actions for alice' }).click();
        await admin.page.getByRole('menuitem', { name: 'Reset MFA' }).click();
        const dialog = admin.page.getByRole('dialog', { name: 'Reset MFA of Alice?' });
        await dialog.getByText('Their sessions end right away.').waitFor();
        await dialog.getByRole('button', { name: 'Reset MFA' }).click();
        await aliceRow.getByText('Not set up').waitFor();
        expect(admin.problems).toEqual([]);
      } finally {
        await admin.context.close();
      }
      expect(problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );
});
