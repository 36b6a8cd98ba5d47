// Settings around MFA as an administrator uses them, in real Chromium against a real portal and the
// Duo emulator: the Application URL and diagnostics (System), the MFA policy with its readiness
// panel, and the MFA levers on a user (Users).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../helpers/browser.ts';
import { apiAs, type DuoBrowserSuite, startDuoBrowserSuite } from './support/browser-suite.ts';
import { dismissToasts, FLOW_TIMEOUT, heading, screenshot } from './support/console-page.ts';

const ADMIN = { username: 'ada', password: 'analytical-engine-1843' };

describe.skipIf(!browserAvailable())('MFA settings in Chromium', () => {
  let suite: DuoBrowserSuite;
  let baseUrl: string;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    suite = await startDuoBrowserSuite({
      people: [{ ...ADMIN, role: 'administrator' }, { username: 'grace' }],
      // The provider itself is registered through the API here; providers.test.ts covers its screens.
      prepare: async (env) => {
        const created = await (await apiAs(env, ADMIN)).post('/api/admin/mfa/providers', {
          type: 'duo',
          name: 'Duo Security',
          enabled: true,
          values: { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret },
        });
        if (created.status !== 201) throw new Error(`could not register Duo: ${created.body}`);
      },
      signInAs: { ...ADMIN, displayName: 'Ada' },
    });
    ({ baseUrl, page, problems } = suite);
    await page.goto(`${baseUrl}/settings/system`);
  });

  afterAll(() => suite?.close());

  const sidebar = () => page.getByRole('navigation', { name: 'Settings' });

  it(
    'sets the Application URL and runs the diagnostics on the System page',
    async () => {
      await heading(page, 'System').waitFor();
      const card = page.getByRole('region', { name: 'Application URL' });
      await card.getByText('Not set', { exact: true }).waitFor();
      await card.getByLabel('Application URL').fill('portal.example.com/path');
      await card.getByRole('button', { name: 'Save' }).click();
      await card.getByText('Enter a full address starting with https://').waitFor();
      expect(await card.getByLabel('Application URL').getAttribute('aria-invalid')).toBe('true');
      await card.getByLabel('Application URL').fill(baseUrl);
      await card.getByRole('button', { name: 'Save' }).click();
      await card.getByText(`${baseUrl}/api/auth/mfa/1/callback`).waitFor();

      const diagnostics = page.getByRole('region', { name: 'Diagnostics' });
      await diagnostics.getByRole('button', { name: 'Run diagnostics' }).click();
      const checks = diagnostics.getByRole('list', { name: 'Diagnostic checks' });
      await checks.waitFor({ timeout: 30_000 });
      expect(await checks.getByRole('listitem').count()).toBeGreaterThanOrEqual(3);
      await checks.getByText('Application URL', { exact: true }).waitFor();
      await screenshot(page, 'settings-system-diagnostics.png');
    },
    FLOW_TIMEOUT,
  );

  it(
    'refuses to require MFA while no administrator has it, and shows who is ready',
    async () => {
      await sidebar().getByRole('link', { name: 'Policy' }).click();
      await heading(page, 'Policy').waitFor();
      const readiness = page.getByRole('region', { name: 'Readiness' });
      await readiness.getByText('0 administrators with working MFA').waitFor();
      await readiness.getByText('2 users without MFA').waitFor();
      await readiness.getByText('1 enabled provider').waitFor();
      await readiness.getByText('Application URL is set').waitFor();

      await page.getByRole('radio', { name: 'Required for everyone' }).check();
      await page.getByLabel('Default provider').selectOption({ label: 'Duo Security' });
      await page.getByRole('button', { name: 'Save policy' }).click();
      await page.getByRole('alert').filter({ hasText: 'would lock every administrator out' }).waitFor();
      await screenshot(page, 'mfa-policy.png');
    },
    FLOW_TIMEOUT,
  );

  it(
    'lets an administrator exempt a user from MFA and require it again',
    async () => {
      await sidebar().getByRole('link', { name: 'Users' }).click();
      await heading(page, 'Users').waitFor();
      const graceRow = page.getByRole('table', { name: 'Users' }).getByRole('row').filter({ hasText: 'grace@' });
      await graceRow.getByText('Not set up').waitFor();

      await dismissToasts(page);
      await page.getByRole('button', { name: 'Actions for grace' }).click();
      expect(await page.getByRole('menuitem', { name: 'Reset MFA' }).getAttribute('aria-disabled')).toBe('true');
      await page.getByRole('menuitem', { name: 'Skip MFA' }).click();
      const skip = page.getByRole('dialog', { name: 'Let Grace skip MFA?' });
      await skip.getByText('This weakens their sign-in').waitFor();
      await skip.getByRole('button', { name: 'Skip MFA' }).click();
      await skip.waitFor({ state: 'detached' });
      await graceRow.getByText('Skip MFA').waitFor();

      await page.getByRole('button', { name: 'Actions for grace' }).click();
      await page.getByRole('menuitem', { name: 'Require MFA' }).click();
      await page
        .getByRole('dialog', { name: 'Require MFA for Grace?' })
        .getByRole('button', { name: 'Require MFA' })
        .click();
      await graceRow.getByText('Not set up').waitFor();
      expect(problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );
});
