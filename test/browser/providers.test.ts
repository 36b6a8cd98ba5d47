// Settings > MFA > Providers as an administrator uses it, in real Chromium against a real portal and
// the Duo emulator: the seed's "Register Duo Security as MFA Provider in Segura" steps word for word,
// then edit (the secret never retyped), disable/enable, test, export, print, refusals and delete.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../helpers/browser.ts';
import type { PortalWithDuo } from '../helpers/duo.ts';
import { type DuoBrowserSuite, startDuoBrowserSuite } from './support/browser-suite.ts';
import { dismissToasts, FLOW_TIMEOUT, heading, screenshot } from './support/console-page.ts';

const ADMIN = { username: 'ada', password: 'analytical-engine-1843' };

describe.skipIf(!browserAvailable())('MFA providers in Chromium', () => {
  let suite: DuoBrowserSuite;
  let env: PortalWithDuo;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    suite = await startDuoBrowserSuite({
      people: [{ ...ADMIN, role: 'administrator' }, { username: 'grace' }],
      signInAs: { ...ADMIN, displayName: 'Ada' },
    });
    ({ env, page, problems } = suite);
  });

  afterAll(() => suite?.close());

  const report = () => page.getByRole('table', { name: 'Providers' });
  const row = (name: string) =>
    report()
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name, exact: true }) });
  const sidebar = () => page.getByRole('navigation', { name: 'Settings' });
  const pathOf = () => new URL(page.url()).pathname;

  async function openRowAction(name: string, action: string) {
    await dismissToasts(page);
    await page.getByRole('button', { name: `Actions for ${name}` }).click();
    await page.getByRole('menuitem', { name: action }).click();
  }

  /** Add > Duo Security > the registration form, filled in. */
  async function fillRegistration(values: { name: string; clientId?: string; clientSecret?: string }) {
    await page.getByRole('link', { name: 'Add', exact: true }).first().click();
    await heading(page, 'Select provider').waitFor();
    await page.getByRole('link', { name: 'Duo Security' }).click();
    await heading(page, 'Provider registration').waitFor();
    await page.getByLabel('Name', { exact: true }).fill(values.name);
    await page.getByLabel('Endpoint').fill(`https://${env.app.endpoint}/`);
    await page.getByLabel('Client ID').fill(values.clientId ?? env.app.clientId);
    await page.getByLabel('Client Secret').fill(values.clientSecret ?? env.app.clientSecret);
  }

  it(
    'registers Duo Security following the seed, step by step',
    async () => {
      // 1. Hover over the Products menu and select Settings.
      await page.getByRole('button', { name: 'Products' }).hover();
      await page.getByRole('menuitem', { name: 'Settings' }).click();
      await heading(page, 'Users').waitFor();

      // 2. In the sidebar menu, select MFA > Providers.
      const mfaGroup = sidebar().getByRole('list', { name: 'MFA' });
      expect(await sidebar().getByRole('heading').first().textContent()).toBe('MFA');
      await mfaGroup.getByRole('link', { name: 'Providers' }).click();
      await heading(page, 'Providers').waitFor();
      expect(pathOf()).toBe('/settings/mfa/providers');
      await page.getByRole('heading', { name: 'No MFA providers yet' }).waitFor();

      // 3. In the Providers report, click the Add button.
      await page.getByRole('link', { name: 'Add', exact: true }).first().click();

      // 4. On the Select provider screen, choose Duo Security.
      await heading(page, 'Select provider').waitFor();
      await screenshot(page, 'mfa-select-provider.png');
      await page.getByRole('link', { name: 'Duo Security' }).click();

      // 5. On the Provider registration screen, complete Name, Enabled, Endpoint, Client ID, Client Secret.
      await heading(page, 'Provider registration').waitFor();
      expect(pathOf()).toBe('/settings/mfa/providers/new/duo');
      await page.getByLabel('Name', { exact: true }).fill('Duo Security');
      const enabled = page.getByRole('radiogroup', { name: 'Enabled' });
      await enabled.getByRole('radio', { name: 'Yes' }).check();
      expect(await enabled.getByRole('radio', { name: 'No' }).isChecked()).toBe(false);
      await page.getByLabel('Endpoint').fill(`https://${env.app.endpoint}/`); // pasted as an admin would
      await page.getByLabel('Client ID').fill(env.app.clientId);
      await page.getByLabel('Client Secret').fill(env.app.clientSecret);
      expect(await page.getByLabel('Client Secret').getAttribute('type')).toBe('password');
      expect(await page.getByLabel('Username template').count()).toBe(0); // only with "Template"
      await screenshot(page, 'mfa-provider-registration.png');

      // 6. Click Save.
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await heading(page, 'Providers').waitFor();
      await page.getByRole('status').filter({ hasText: 'Duo Security is registered and enabled' }).waitFor();
      const saved = row('Duo Security');
      await saved.getByText('Enabled', { exact: true }).waitFor();
      await saved.getByText('Passed').waitFor();
      expect(await saved.textContent()).toContain(env.app.endpoint);
      expect(await saved.textContent()).not.toContain(env.app.clientSecret);
    },
    FLOW_TIMEOUT,
  );

  it(
    'shows a validation error on the field itself (a 19-character Client ID)',
    async () => {
      await fillRegistration({ name: 'Duo EU', clientId: env.app.clientId.slice(0, 19) });
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('The Client ID is exactly 20 letters and digits (this one has 19)').waitFor();
      expect(await page.getByLabel('Client ID').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByRole('alert').first().textContent()).toContain('Some fields need attention.');
      expect(await page.evaluate<string | undefined>("document.activeElement?.getAttribute('name')")).toBe('clientId');
      await page.getByRole('link', { name: 'Cancel' }).click();
      await heading(page, 'Providers').waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'offers only "Save disabled" when Duo refuses the credentials',
    async () => {
      await fillRegistration({ name: 'Duo staging', clientSecret: 'x'.repeat(40) });
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const refusal = page.getByRole('alert').filter({ hasText: 'Duo did not accept these settings' });
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('Duo refused the Client ID or Client Secret');
      expect(await page.getByRole('button', { name: 'Save anyway' }).count()).toBe(0);
      await screenshot(page, 'mfa-provider-check-failed.png');
      await page.getByRole('button', { name: 'Save disabled' }).click();
      await heading(page, 'Providers').waitFor();
      const saved = row('Duo staging');
      await saved.getByText('Disabled', { exact: true }).waitFor();
      await saved.getByText('Invalid credentials').waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'offers "Save anyway" when Duo cannot be reached',
    async () => {
      env.emulator.setFaults([{ endpoint: 'health_check', kind: 'http_503_empty' }]);
      try {
        await fillRegistration({ name: 'Duo backup' });
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await page.getByRole('alert').filter({ hasText: 'The provider could not be reached' }).waitFor();
        await page.getByRole('button', { name: 'Save anyway' }).click();
        await heading(page, 'Providers').waitFor();
        await page
          .getByRole('status')
          .filter({ hasText: 'Duo backup is registered (enabled) without a passing connection check' })
          .waitFor();
        const saved = row('Duo backup');
        await saved.getByText('Enabled', { exact: true }).waitFor();
        await saved.getByText('Unreachable').waitFor();
      } finally {
        env.emulator.setFaults([]);
      }
    },
    FLOW_TIMEOUT,
  );

  it(
    'edits a provider without retyping its secret, and tests the connection',
    async () => {
      await openRowAction('Duo Security', 'Edit');
      await heading(page, 'Edit Duo Security').waitFor();
      const secret = page.getByLabel('Client Secret');
      expect(await secret.inputValue()).toBe('');
      expect(await secret.getAttribute('placeholder')).toBe('Stored — leave blank to keep it');
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByRole('status').filter({ hasText: 'Duo accepted the Client ID and Client Secret' }).waitFor();

      await page.getByLabel('If Duo is unreachable').selectOption('open');
      await page.getByText('Fail open lets people in without MFA').waitFor();
      await page.getByLabel('Username sent to Duo').selectOption('template');
      await page.getByLabel('Username template').fill('{username}@corp.example');
      await page.getByLabel('Username sent to Duo').selectOption('username');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await heading(page, 'Providers').waitFor();
      await page.getByRole('status').filter({ hasText: 'Duo Security is saved' }).waitFor();
      await row('Duo Security').getByText('Fails open').waitFor();
      await row('Duo Security').getByText('Passed').waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'disables and re-enables a provider, and tests it from the report',
    async () => {
      await openRowAction('Duo Security', 'Disable');
      const disable = page.getByRole('dialog', { name: 'Disable Duo Security?' });
      await disable.getByText('Nobody signs in with this provider yet.').waitFor();
      await disable.getByRole('button', { name: 'Disable provider' }).click();
      await disable.waitFor({ state: 'detached' });
      await row('Duo Security').getByText('Disabled', { exact: true }).waitFor();

      await openRowAction('Duo Security', 'Enable');
      const enable = page.getByRole('dialog', { name: 'Enable Duo Security?' });
      await enable.getByRole('button', { name: 'Enable provider' }).click();
      await enable.waitFor({ state: 'detached' });
      await row('Duo Security').getByText('Enabled', { exact: true }).waitFor();

      await openRowAction('Duo Security', 'Test connection');
      await page
        .getByRole('status', { name: 'Connection test of Duo Security' })
        .getByText('Connected: Duo accepted the Client ID and Client Secret.')
        .waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'sorts, filters, exports the filtered CSV and prints without the console chrome',
    async () => {
      const nameHeader = report().getByRole('columnheader', { name: 'Name' });
      await nameHeader.getByRole('button').click();
      await page.waitForURL((url) => url.searchParams.get('sort') === 'name');
      expect(await nameHeader.getAttribute('aria-sort')).toBe('ascending');
      const names = await report().getByRole('row').locator('td:nth-child(2) a').allTextContents();
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
      await screenshot(page, 'mfa-providers-report.png');

      await page.getByLabel('Enabled').selectOption('true');
      await page.waitForURL((url) => url.searchParams.get('enabled') === 'true');
      await row('Duo staging').waitFor({ state: 'detached' });
      const exportLink = page.getByRole('link', { name: 'Export CSV' });
      expect(await exportLink.getAttribute('href')).toBe('/api/admin/mfa/providers/export.csv?enabled=true&sort=name');
      const [download] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
      const csv = readFileSync(await download.path(), 'utf8');
      const lines = csv.trim().split(/\r?\n/);
      expect(lines[0]).toBe(
        '"ID","Name","Provider","Enabled","Endpoint","Created","Created by","Last check","Last check at","Users"',
      );
      expect(lines.slice(1).map((line) => line.split(',')[1])).toEqual(['"Duo backup"', '"Duo Security"']);
      expect(csv).toContain(`"Duo Security","Duo Security","Yes","${env.app.endpoint}"`);
      expect(csv).not.toContain(env.app.clientSecret);

      // The print dialog itself cannot be driven: count the calls instead.
      await page.evaluate('window.printed = 0; window.print = () => { window.printed += 1; };');
      await page.getByRole('button', { name: 'Print' }).click();
      expect(await page.evaluate<number>('window.printed')).toBe(1);
      await page.emulateMedia({ media: 'print' });
      expect(await sidebar().isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: 'Products' }).isVisible()).toBe(false);
      expect(await page.getByRole('form', { name: 'Filter providers' }).isVisible()).toBe(false);
      expect(await report().isVisible()).toBe(true);
      await page.getByText('Portcullis · MFA providers report').waitFor();
      await page.emulateMedia({ media: 'screen' });
      await page.getByRole('button', { name: 'Reset' }).click();
      await row('Duo staging').waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'deletes a provider after a confirmation',
    async () => {
      await openRowAction('Duo staging', 'Delete');
      const dialog = page.getByRole('dialog', { name: 'Delete Duo staging?' });
      await dialog.getByText('This cannot be undone').waitFor();
      await dialog.getByRole('button', { name: 'Delete provider' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row('Duo staging').waitFor({ state: 'detached' });
      expect(problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );
});
