// The console as a person uses it, in real Chromium against a real portal (SQLite): first-run setup,
// the Products menu, Settings > Users (create, search, disable), Audit, System, My account, sign-out
// and sign-in through the native form. PORTCULLIS_UPDATE_SCREENSHOTS=1 also refreshes docs/screenshots.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSetupTokenIfNeeded } from '../../src/server/accounts/setup-token.ts';
import { browserAvailable } from '../helpers/browser.ts';
import { startTestPortal } from '../helpers/portal.ts';
import { type BrowserSuite, openBrowserSuite } from './support/browser-suite.ts';
import {
  dismissToasts,
  FLOW_TIMEOUT,
  heading as headingOf,
  screenshot as screenshotOf,
} from './support/console-page.ts';

const ADMIN = {
  username: 'ada',
  displayName: 'Ada Lovelace',
  email: 'ada@example.com',
  password: 'analytical-engine-1843',
};
const NEW_USER = {
  username: 'grace',
  displayName: 'Grace Hopper',
  email: 'grace@example.com',
  password: 'compile-the-cobol-1959',
};

describe.skipIf(!browserAvailable())('console in Chromium', () => {
  let suite: BrowserSuite;
  let baseUrl: string;
  let setupToken: string;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const portal = await startTestPortal('sqlite');
    const token = await issueSetupTokenIfNeeded(portal.portal.storage, portal.clock());
    if (!token) {
      await portal.close();
      throw new Error('a fresh portal must issue a setup token');
    }
    setupToken = token;
    suite = await openBrowserSuite(portal, { closeToo: () => portal.close() });
    ({ baseUrl, page, problems } = suite);
  });

  afterAll(() => suite?.close());

  const heading = (name: string) => headingOf(page, name);
  const screenshot = (name: string, options: { keepToasts?: boolean } = {}) => screenshotOf(page, name, options);
  const usersTable = () => page.getByRole('table', { name: 'Users' });
  const userRow = (email: string) => usersTable().getByRole('row').filter({ hasText: email });
  const pathOf = () => new URL(page.url()).pathname;

  it(
    'explains the missing setup, then creates the first administrator from the setup link',
    async () => {
      await page.goto(`${baseUrl}/`);
      await heading('Portcullis is not set up yet').waitFor();
      expect(pathOf()).toBe('/signin');
      expect(await page.getByText('portcullis user add --admin').isVisible()).toBe(true);

      await page.goto(`${baseUrl}/setup#token=${setupToken}`);
      await heading('Set up Portcullis').waitFor();
      await screenshot('setup.png');
      await page.getByLabel('Username').fill(ADMIN.username);
      await page.getByLabel('Display name').fill(ADMIN.displayName);
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await page.getByRole('button', { name: 'Create administrator and sign in' }).click();

      await heading(`Welcome, ${ADMIN.displayName}`).waitFor();
      expect(pathOf()).toBe('/');
      await page.getByRole('button', { name: ADMIN.displayName }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Your administrator account is ready' }).waitFor();
      // Nothing needs the administrator yet: a calm line, not the warning card.
      await page.getByText('All clear.').waitFor();
      expect(await page.getByRole('region', { name: 'Needs your attention' }).count()).toBe(0);
      await screenshot('home.png', { keepToasts: true });
    },
    FLOW_TIMEOUT,
  );

  it(
    'opens Settings from the Products menu and creates a user, after a validation message',
    async () => {
      await page.getByRole('button', { name: 'Products' }).click();
      await page.getByRole('menuitem', { name: 'Settings' }).click();
      await heading('Users').waitFor();
      expect(pathOf()).toBe('/settings/users');
      const sidebar = page.getByRole('navigation', { name: 'Settings' });
      for (const link of ['Users', 'System', 'Audit']) {
        expect(await sidebar.getByRole('link', { name: link, exact: true }).isVisible()).toBe(true);
      }
      expect(await sidebar.getByRole('link', { name: 'Users' }).getAttribute('aria-current')).toBe('page');
      await userRow(ADMIN.email).waitFor();

      await dismissToasts(page);
      await page.getByRole('button', { name: 'Add user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add user' });
      await dialog.waitFor();
      await dialog.getByLabel('Username').fill(NEW_USER.username);
      await dialog.getByLabel('Display name').fill(NEW_USER.displayName);
      await dialog.getByLabel('Email').fill(NEW_USER.email);
      await dialog.getByLabel('Password', { exact: true }).fill('too-short');
      await dialog.getByRole('button', { name: 'Add user' }).click();
      await dialog.getByText('Password must be at least 12 characters.').waitFor();
      const password = dialog.getByLabel('Password', { exact: true });
      expect(await password.getAttribute('aria-invalid')).toBe('true');
      expect(await dialog.getByRole('alert').textContent()).toContain('Some fields need attention.');
      await screenshot('settings-users-add.png', { keepToasts: true });

      await password.fill(NEW_USER.password);
      await dialog.getByRole('button', { name: 'Add user' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page
        .getByRole('status')
        .filter({ hasText: `${NEW_USER.displayName} is added` })
        .waitFor();
      await userRow(NEW_USER.email).waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'searches for the new user and disables them after a confirmation',
    async () => {
      await page.getByLabel('Search users').fill('grac');
      await page.waitForURL((url) => url.searchParams.get('q') === 'grac');
      await userRow(ADMIN.email).waitFor({ state: 'detached' });
      expect(await usersTable().getByRole('row').count()).toBe(2); // header + grace

      await dismissToasts(page);
      await page.getByRole('button', { name: `Actions for ${NEW_USER.username}` }).click();
      await page.getByRole('menuitem', { name: 'Disable' }).click();
      const confirm = page.getByRole('dialog', { name: `Disable ${NEW_USER.displayName}?` });
      await confirm.waitFor();
      expect(await confirm.textContent()).toContain('Their sessions end right away');
      await confirm.getByRole('button', { name: 'Disable user' }).click();
      await confirm.waitFor({ state: 'detached' });
      await userRow(NEW_USER.email).getByText('Disabled').waitFor();

      await page.getByLabel('Search users').fill('');
      await userRow(ADMIN.email).waitFor();
      await screenshot('settings-users.png', { keepToasts: true });
    },
    FLOW_TIMEOUT,
  );

  it(
    'shows the audit log with filters, details and the CSV export, and the system page',
    async () => {
      const sidebar = page.getByRole('navigation', { name: 'Settings' });
      await sidebar.getByRole('link', { name: 'Audit', exact: true }).click();
      await heading('Audit log').waitFor();
      const table = page.getByRole('table', { name: 'Audit records' });
      await table.getByText('User disabled').waitFor();
      await table.getByText('Setup completed').waitFor();

      await page.getByLabel('Event').selectOption('user.*');
      await page.waitForURL((url) => url.searchParams.get('type') === 'user.*');
      await table.getByText('Setup completed').waitFor({ state: 'detached' });
      const exportLink = page.getByRole('link', { name: 'Export CSV' });
      expect(await exportLink.getAttribute('href')).toBe('/api/admin/audit/export.csv?type=user.*');
      await page.getByRole('button', { name: 'Reset' }).click();
      await table.getByText('Setup completed').waitFor();

      const disabledRow = table.getByRole('row').filter({ hasText: 'User disabled' });
      await disabledRow.getByRole('button', { name: /Show details/ }).click();
      await table.getByText('"sessionsEnded"').waitFor();
      await screenshot('settings-audit.png');

      await sidebar.getByRole('link', { name: 'System' }).click();
      await heading('System').waitFor();
      await page.getByText('SQLite').waitFor();
      await screenshot('settings-system.png');
    },
    FLOW_TIMEOUT,
  );

  it(
    'shows My account from the user menu',
    async () => {
      await page.getByRole('button', { name: ADMIN.displayName }).click();
      await page.getByRole('menuitem', { name: 'My account' }).click();
      await heading('My account').waitFor();
      expect(pathOf()).toBe('/account');
      await page.getByRole('table', { name: 'Active sessions' }).getByText('This device').waitFor();
      expect(await page.getByLabel('Also sign out my other sessions').isChecked()).toBe(true);
      await screenshot('account.png');
    },
    FLOW_TIMEOUT,
  );

  it(
    'signs out from the user menu and signs in again through the form, back to where the person was',
    async () => {
      await page.getByRole('button', { name: ADMIN.displayName }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.getByText('You have signed out.').waitFor();
      expect(pathOf()).toBe('/signin');
      await screenshot('signin.png');

      await page.goto(`${baseUrl}/settings/audit`);
      await heading('Sign in').waitFor();
      expect(new URL(page.url()).searchParams.get('returnTo')).toBe('/settings/audit');

      await page.getByLabel('Username').fill(ADMIN.username);
      await page.getByLabel('Password', { exact: true }).fill('not-the-right-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Incorrect username or password.' }).waitFor();
      expect(new URL(page.url()).searchParams.get('error')).toBe('INVALID_CREDENTIALS');
      expect(await page.getByLabel('Username').inputValue()).toBe(ADMIN.username);

      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await heading('Audit log').waitFor();
      expect(pathOf()).toBe('/settings/audit');
    },
    FLOW_TIMEOUT,
  );

  it(
    'reaches Settings with the keyboard alone: Tab to Products, Enter, arrows, Escape',
    async () => {
      await page.goto(`${baseUrl}/`);
      await heading(`Welcome, ${ADMIN.displayName}`).waitFor();
      const products = page.getByRole('button', { name: 'Products' });
      // The accessible name of whatever has the keyboard focus (aria-label first, then its text).
      const focused = () =>
        page.evaluate<string | null>(
          "document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? null",
        );
      for (let presses = 0; presses < 10 && (await focused()) !== 'Products'; presses++) {
        await page.keyboard.press('Tab');
      }
      expect(await focused()).toBe('Products');

      await page.keyboard.press('Enter');
      const menu = page.getByRole('menu');
      await menu.waitFor();
      expect(await products.getAttribute('aria-expanded')).toBe('true');
      expect(await focused()).toBe('Home');
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
      expect(await focused()).toBe('Products');

      await page.keyboard.press('ArrowDown');
      await menu.waitFor();
      await page.keyboard.press('ArrowDown');
      expect(await focused()).toBe('Settings');
      await page.keyboard.press('Enter');
      await heading('Users').waitFor();
      expect(pathOf()).toBe('/settings/users');

      // A dialog takes the focus to its first field, Escape closes it, and the focus returns to its opener.
      await page.getByRole('button', { name: 'Add user' }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Add user' });
      await dialog.waitFor();
      const usernameId = await dialog.getByLabel('Username').getAttribute('id');
      expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe(usernameId);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await focused()).toBe('Add user');
      expect(problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );
});
