// The home page tells an administrator what needs them (anchors 72–73), in real Chromium against a
// real portal and the Duo emulator: Duo set to fail open, its health check failing, a user signs in
// with their password alone, and the administrator's home shows it with a link to the audit log
// filtered on those sign-ins; a provider whose check failed links to its page to test it again.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../helpers/browser.ts';
import { type PortalWithDuo, registerDuo } from '../helpers/duo.ts';
import { seedMfaUser } from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD } from '../helpers/fixtures.ts';
import { apiAs, type DuoBrowserSuite, startDuoBrowserSuite } from './support/browser-suite.ts';
import { FLOW_TIMEOUT, heading, openConsolePage, screenshot, signIn } from './support/console-page.ts';

const ADMIN = { username: 'ada', password: 'analytical-engine-1843' };
const DUO_DOWN = [{ endpoint: 'health_check', kind: 'http_503_empty' }] as const;

describe.skipIf(!browserAvailable())('what needs attention, on the home page in Chromium', () => {
  let suite: DuoBrowserSuite;
  let env: PortalWithDuo;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    suite = await startDuoBrowserSuite({
      people: [{ ...ADMIN, role: 'administrator' }],
      prepare: async (started, url) => {
        const admin = await apiAs(started, ADMIN);
        const providerId = await registerDuo(started, admin, { applicationUrl: url, values: { failMode: 'open' } });
        await seedMfaUser(started.portal, 'alice', providerId);
      },
      signInAs: { ...ADMIN, displayName: 'Ada' },
    });
    ({ env, baseUrl, browser, page, problems } = suite);
  });

  afterAll(() => suite?.close());

  const attention = () => page.getByRole('region', { name: 'Needs your attention' });

  it(
    'is a calm line while nothing needs the administrator',
    async () => {
      await page.getByText('All clear.').waitFor();
      expect(await attention().count()).toBe(0);
    },
    FLOW_TIMEOUT,
  );

  it(
    'lets a user in with their password alone while Duo is unreachable (the provider fails open)',
    async () => {
      env.emulator.setFaults([...DUO_DOWN]);
      env.portal.clock.advance(31_000); // the cached health check (30 s) expires
      const user = await openConsolePage(browser);
      try {
        await signIn(user.page, baseUrl, 'alice', STRONG_PASSWORD);
        await heading(user.page, 'Welcome, Alice').waitFor();
        await user.page
          .getByRole('region', { name: 'Your sign-in' })
          .getByText('Password only: MFA bypassed while Duo was unreachable')
          .waitFor();
        // Not an administrator: neither the card nor the calm line.
        await user.page.getByRole('region', { name: 'Multi-factor authentication' }).waitFor();
        expect(await user.page.getByText('All clear.').count()).toBe(0);
        expect(await user.page.getByRole('region', { name: 'Needs your attention' }).count()).toBe(0);
        expect(user.problems).toEqual([]);
      } finally {
        await user.context.close();
      }
    },
    FLOW_TIMEOUT,
  );

  it(
    'warns the administrator, and the link opens the audit log filtered on those sign-ins',
    async () => {
      await page.goto(`${baseUrl}/`);
      await attention().getByText('1 sign-in skipped MFA in the last 24 hours because Duo was unreachable').waitFor();
      expect(await page.getByText('All clear.').count()).toBe(0);

      await attention().getByRole('link', { name: 'Review the sign-ins without MFA' }).click();
      await heading(page, 'Audit log').waitFor();
      expect(new URL(page.url()).searchParams.get('type')).toBe('login.mfa_bypassed');
      const table = page.getByRole('table', { name: 'Audit records' });
      const bypassed = table.getByRole('row').filter({ hasText: 'MFA step bypassed' });
      await bypassed.waitFor();
      expect(await bypassed.textContent()).toContain('alice');
      expect(await table.getByRole('row').count()).toBe(2); // the header and the one bypassed sign-in
      expect(await page.getByLabel('Event').inputValue()).toBe('login.mfa_bypassed');
    },
    FLOW_TIMEOUT,
  );

  it(
    'lists a provider whose connection check failed, linking to its page to test it again',
    async () => {
      try {
        // Testing from the report records the failed check.
        await page.goto(`${baseUrl}/settings/mfa/providers`);
        await page.getByRole('button', { name: 'Actions for Duo Security' }).click();
        await page.getByRole('menuitem', { name: 'Test connection' }).click();
        await page
          .getByRole('status', { name: 'Connection test of Duo Security' })
          .getByText(/could not be reached/)
          .waitFor();

        await page.goto(`${baseUrl}/`);
        const failing = attention()
          .getByRole('listitem')
          .filter({ hasText: 'Duo Security failed its last connection check (unreachable)' });
        await failing.waitFor();
        expect(await failing.textContent()).toContain('could not be reached');
        await attention().getByText('1 sign-in skipped MFA').waitFor();
        await screenshot(page, 'home-attention.png');

        await failing.getByRole('link', { name: 'Open Duo Security' }).click();
        await heading(page, 'Edit Duo Security').waitFor();
        env.emulator.setFaults([]);
        await page.getByRole('button', { name: 'Test connection' }).click();
        await page.getByRole('status').filter({ hasText: 'Duo accepted the Client ID and Client Secret' }).waitFor();
      } finally {
        env.emulator.setFaults([]);
      }

      // Fixed: the provider leaves the card; the sign-in without MFA stays for its 24 hours.
      await page.goto(`${baseUrl}/`);
      await attention().getByText('1 sign-in skipped MFA').waitFor();
      expect(await attention().getByText('Duo Security failed').count()).toBe(0);
      expect(problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );
});
