// Issue 13 ("First-use polish") in real Chromium against a real portal and the Duo emulator: each test
// names the item it pins — row menus over the scroll box (1), the Application URL's check before a
// change (2), one email per account (4), a pasted Client Secret with a space (8), the smaller ones (10)
// and providers managed by code (12).
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDepsOf, applyProviders } from '../../src/server/mfa/provider-apply.ts';
import { browserAvailable } from '../helpers/browser.ts';
import { type PortalWithDuo, registerDuo } from '../helpers/duo.ts';
import { seedMfaUser } from '../helpers/duo-sign-in.ts';
import { auditRows, SYSTEM_CONTEXT, seedUser } from '../helpers/fixtures.ts';
import { apiAs, type DuoBrowserSuite, startDuoBrowserSuite } from './support/browser-suite.ts';
import { dismissToasts, FLOW_TIMEOUT, heading, screenshot } from './support/console-page.ts';

const ADMIN = { username: 'ada', password: 'analytical-engine-1843' };
const UNRESOLVABLE = 'http://portcullis.does-not-resolve.invalid:8080';

/** The menu's box is inside the viewport, and a click at each item's middle lands on that item. */
async function expectFullyUsable(page: Page, menu: Locator): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 0, height: 0 };
  const box = await menu.boundingBox();
  expect(box).not.toBeNull();
  if (!box) return;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  const hits = (await page.evaluate(`[...document.querySelectorAll('[role=menu] [role=menuitem]')].map((item) => {
    const rect = item.getBoundingClientRect();
    const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
    return item === hit || item.contains(hit);
  })`)) as boolean[];
  expect(hits.length).toBeGreaterThan(0);
  expect(hits.every(Boolean)).toBe(true);
}

describe.skipIf(!browserAvailable())('issue 13, first-use polish, in Chromium', () => {
  let suite: DuoBrowserSuite;
  let env: PortalWithDuo;
  let page: Page;
  let problems: string[];
  let baseUrl: string;

  beforeAll(async () => {
    suite = await startDuoBrowserSuite({
      people: [{ ...ADMIN, role: 'administrator' }],
      signInAs: { ...ADMIN, displayName: 'Ada' },
    });
    ({ env, page, problems, baseUrl } = suite);
  });
  afterAll(() => suite?.close());

  const admin = () => apiAs(env, ADMIN);
  const toast = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text });
  const usersTable = () => page.getByRole('table', { name: 'Users' });

  it(
    'issue 13.10: the callback address names no provider ID before a provider exists, then each real one',
    async () => {
      const api = await admin();
      await api.raw('PUT', '/api/admin/settings/application-url', { body: { applicationUrl: baseUrl } });
      await page.goto(`${baseUrl}/settings/system`);
      const card = page.getByRole('region', { name: 'Application URL' });
      await card.getByText(`${baseUrl}/api/auth/mfa/<provider id>/callback`).waitFor();
      expect(await card.textContent()).not.toContain('/mfa/1/');
      const providerId = await registerDuo(env, api, { applicationUrl: baseUrl });
      await page.reload();
      await card.getByText(`Duo Security: ${baseUrl}/api/auth/mfa/${providerId}/callback`).waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'issue 13.2: changing the Application URL runs the diagnostics first, names what breaks, and asks',
    async () => {
      await seedMfaUser(env.portal, 'mfa1', 1);
      await seedMfaUser(env.portal, 'mfa2', 1);
      const card = page.getByRole('region', { name: 'Application URL' });
      const field = card.getByRole('textbox', { name: 'Application URL' });
      await field.fill(UNRESOLVABLE);
      await card.getByRole('button', { name: 'Save' }).click();
      const dialog = page.getByRole('dialog', { name: 'Change the Application URL?' });
      await dialog.waitFor();
      const checks = dialog.getByRole('list', { name: 'Checks of the new address' });
      await checks.getByRole('listitem').filter({ hasText: 'DNS' }).getByText('Fail').waitFor();
      expect(await dialog.textContent()).toMatch(
        /Duo sends users back to the new address for Duo Security\.\s*2 people sign in/,
      );
      await dialog.getByText('The checks say this address would not work').waitFor();
      await screenshot(page, 'settings-system-url-change.png', { viewport: true });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      await card.getByText(baseUrl, { exact: true }).waitFor(); // still the current value

      // While MFA is required, the same address is refused outright: no button to go ahead.
      await env.portal.services.accounts.updateUser(1, { mfaSkip: true }, SYSTEM_CONTEXT);
      await env.portal.services.mfaPolicy.set({ mode: 'required', defaultProviderId: 1 }, SYSTEM_CONTEXT);
      await card.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('This address would not work, and MFA is required').waitFor();
      expect(await dialog.getByRole('button', { name: /^Change it/ }).count()).toBe(0);
      await dialog.getByRole('button', { name: 'Keep the current address' }).click();

      // A working address: confirmed with the number of people it affects, then saved.
      const other = baseUrl.replace('localhost', '127.0.0.1');
      await field.fill(other);
      await card.getByRole('button', { name: 'Save' }).click();
      await dialog.getByRole('button', { name: 'Change it for 2 people' }).click();
      await toast(`The Application URL is ${other}.`).waitFor();
      await card.getByText(other, { exact: true }).waitFor();
      const api = await admin();
      const back = await api.raw('PUT', '/api/admin/settings/application-url', {
        body: { applicationUrl: baseUrl, confirmAffectedUsers: 2 },
      });
      expect(back.status).toBe(200);
      await env.portal.services.mfaPolicy.set({ mode: 'off', defaultProviderId: 1 }, SYSTEM_CONTEXT);
    },
    FLOW_TIMEOUT,
  );

  it(
    'issue 13.1: the last row’s action menu opens over the page, whole, clickable, and by keyboard',
    async () => {
      for (let index = 1; index <= 22; index += 1)
        await seedUser(env.portal, `member${String(index).padStart(2, '0')}`);
      await page.goto(`${baseUrl}/settings/users`);
      await heading(page, 'Users').waitFor();
      await usersTable().getByRole('row').nth(20).waitFor();
      await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
      const rows = usersTable().getByRole('row');
      const lastName = (await rows.last().getByRole('cell').first().textContent())?.trim() ?? '';
      const trigger = page.getByRole('button', { name: `Actions for ${lastName}` });
      await trigger.click();
      const menu = page.getByRole('menu');
      await menu.waitFor();
      await expectFullyUsable(page, menu);
      // With no room under the last row, it opens upwards, above its button.
      const [menuBox, buttonBox] = [await menu.boundingBox(), await trigger.boundingBox()];
      expect((menuBox?.y ?? 0) + (menuBox?.height ?? 0)).toBeLessThanOrEqual(buttonBox?.y ?? 0);
      await screenshot(page, 'settings-users-row-menu.png', { viewport: true });
      await menu.getByRole('menuitem', { name: 'Disable' }).click();
      const confirm = page.getByRole('dialog', { name: /^Disable / });
      await confirm.waitFor();
      await confirm.getByRole('button', { name: 'Cancel' }).click();

      // Keyboard: Enter opens on the first item, End and Home move, Escape closes back to the button.
      await trigger.focus();
      await page.keyboard.press('Enter');
      await menu.waitFor();
      const focused = () => page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
      expect(await focused()).toBe('Edit');
      await page.keyboard.press('End');
      expect(await focused()).toBe('Disable');
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
      expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('aria-label') ?? null")).toBe(
        `Actions for ${lastName}`,
      );
      await page.keyboard.press('ArrowUp');
      expect(await focused()).toBe('Disable');
      await page.keyboard.press('Escape');

      // The Providers report's single row: its menu is taller than the table, and not cut by it.
      await page.goto(`${baseUrl}/settings/mfa/providers`);
      await page.getByRole('button', { name: 'Actions for Duo Security' }).click();
      await expectFullyUsable(page, page.getByRole('menu'));
      await page.keyboard.press('Escape');
    },
    FLOW_TIMEOUT,
  );

  it(
    'issue 13.10: the Users report sorts, filters by MFA state, exports (audited) and prints',
    async () => {
      await page.goto(`${baseUrl}/settings/users`);
      const emailHeader = usersTable().getByRole('columnheader', { name: 'Email' });
      await emailHeader.getByRole('button').click();
      await page.waitForURL((url) => url.searchParams.get('sort') === 'email');
      expect(await emailHeader.getAttribute('aria-sort')).toBe('ascending');
      await emailHeader.getByRole('button').click();
      await page.waitForURL((url) => url.searchParams.get('order') === 'desc');
      expect(await emailHeader.getAttribute('aria-sort')).toBe('descending');

      await page.getByRole('combobox', { name: 'MFA' }).selectOption('configured');
      await page.waitForURL((url) => url.searchParams.get('mfa') === 'configured');
      await usersTable().getByRole('row').nth(3).waitFor({ state: 'detached' });
      const names = await usersTable()
        .getByRole('row')
        .evaluateAll((rows) => rows.slice(1).map((row) => row.querySelector('td')?.textContent?.trim()));
      expect(names).toEqual(['mfa2', 'mfa1']);
      await page.getByRole('combobox', { name: 'MFA' }).selectOption('skip');
      await usersTable().getByRole('row').filter({ hasText: 'ada' }).waitFor();
      expect(await usersTable().getByRole('row').count()).toBe(2);

      const exportLink = page.getByRole('link', { name: 'Export CSV' });
      expect(await exportLink.getAttribute('href')).toBe('/api/admin/users/export.csv?mfa=skip&sort=email&order=desc');
      const before = (await auditRows(env.portal, 'users.exported')).length;
      const [download] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
      const csv = readFileSync(await download.path(), 'utf8');
      expect(csv.split('\r\n')[0]).toBe(
        '"ID","Username","Display name","Email","Role","Status","MFA","Created","Last sign-in"',
      );
      expect(csv).toContain(',"ada","Ada","ada@example.com","administrator","Active","Skips MFA",');
      expect(await auditRows(env.portal, 'users.exported')).toHaveLength(before + 1);

      await page.emulateMedia({ media: 'print' });
      expect(await page.getByRole('search', { name: 'Filter users' }).isVisible()).toBe(false);
      expect(await page.getByText('Portcullis · Users report · printed').isVisible()).toBe(true);
      expect(await page.getByRole('button', { name: 'Actions for ada' }).isVisible()).toBe(false);
      await page.emulateMedia({ media: 'screen' });
      await page.getByRole('combobox', { name: 'MFA' }).selectOption('');
    },
    FLOW_TIMEOUT,
  );

  it(
    'issue 13.4 and 13.10: a taken email names its account; a long name is kept and flagged, not cut; no stale toast over a failure',
    async () => {
      await dismissToasts(page);
      await page.getByRole('button', { name: 'Add user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add user' });
      await dialog.getByLabel('Username').fill('grace');
      const longName = `Grace ${'Brewster Murray '.repeat(7)}Hopper`.slice(0, 105);
      await dialog.getByLabel('Display name').fill(longName);
      expect(await dialog.getByLabel('Display name').inputValue()).toHaveLength(105);
      await dialog.getByText('105 characters: 5 over the limit of 100.').waitFor();
      await dialog.getByLabel('Email').fill('MFA1@example.com');
      await dialog.getByLabel('Password', { exact: true }).fill('compile-the-cobol-1959');
      await dialog.getByRole('button', { name: 'Add user' }).click();
      await dialog.getByText('Display name must be at most 100 characters.').waitFor();
      await dialog.getByLabel('Display name').fill('Grace Hopper');
      await dialog.getByRole('button', { name: 'Add user' }).click();
      await dialog.getByText('mfa1@example.com is already the email address of "mfa1". Use another one.').waitFor();
      expect(await dialog.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
      await dialog.getByLabel('Email').fill('grace@example.com');
      await dialog.getByRole('button', { name: 'Add user' }).click();
      await toast('Grace Hopper is added').waitFor();

      // A later save that fails does not sit under the earlier "added".
      await page.getByRole('button', { name: 'Add user' }).click();
      await dialog.getByLabel('Username').fill('grace');
      await dialog.getByLabel('Display name').fill('Grace Again');
      await dialog.getByLabel('Email').fill('grace.again@example.com');
      await dialog.getByLabel('Password', { exact: true }).fill('compile-the-cobol-1959');
      await dialog.getByRole('button', { name: 'Add user' }).click();
      await dialog.getByText('That username is already taken. Choose another.').first().waitFor();
      expect(await page.getByRole('region', { name: 'Notifications' }).getByRole('status').count()).toBe(0);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    },
    FLOW_TIMEOUT,
  );

  it(
    'issue 13.10: avatar initials come from letters, and an email address wraps before the @, not inside a name',
    async () => {
      await env.portal.services.accounts.updateUser(1, { displayName: '<Ada> Lovelace!' }, SYSTEM_CONTEXT);
      await seedUser(env.portal, 'longmail', { email: 'firstname.middlename.lastname@department.example.com' });
      await page.setViewportSize({ width: 1000, height: 800 });
      await page.goto(`${baseUrl}/settings/users?q=longmail`);
      expect((await page.locator('.avatar').textContent())?.trim()).toBe('AL');
      const cell = usersTable().getByRole('row').filter({ hasText: 'longmail' }).getByRole('cell').nth(2);
      await cell.waitFor();
      await page.setViewportSize({ width: 760, height: 800 });
      // Where each line starts: only "@" may begin a new line.
      await cell.locator('.email-address').waitFor();
      const lineStarts = (await page.evaluate(`(() => {
        const element = [...document.querySelectorAll('.email-address')].find((node) => node.textContent.startsWith('firstname.'));
        const starts = [];
        let top = null;
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? '';
          for (let index = 0; index < text.length; index += 1) {
            const range = document.createRange();
            range.setStart(node, index);
            range.setEnd(node, index + 1);
            const rect = range.getBoundingClientRect();
            if (top === null || rect.top > top + 2) starts.push(text.slice(index));
            top = rect.top;
          }
        }
        return starts;
      })()`)) as string[];
      expect(lineStarts, 'the address wraps at this width').toHaveLength(2);
      for (const start of lineStarts.slice(1)) expect(start.startsWith('@')).toBe(true);
      await page.setViewportSize({ width: 1280, height: 800 });
      await env.portal.services.accounts.updateUser(1, { displayName: 'Ada Lovelace' }, SYSTEM_CONTEXT);
    },
    FLOW_TIMEOUT,
  );

  it(
    'issue 13.10: the audit filters’ Reset works while the form holds dates that were refused',
    async () => {
      await page.goto(`${baseUrl}/settings/audit`);
      await heading(page, 'Audit log').waitFor();
      const reset = page.getByRole('button', { name: 'Reset' });
      expect(await reset.isDisabled()).toBe(true);
      await page.getByLabel('From date').fill('2026-12-20');
      await page.getByLabel('To date').fill('2026-12-01');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByText('The end date must be on or after the start date.').waitFor();
      expect(await reset.isDisabled()).toBe(false);
      await reset.click();
      await page.getByText('The end date must be on or after the start date.').waitFor({ state: 'detached' });
      expect(await page.getByLabel('From date').inputValue()).toBe('');
      expect(await page.getByLabel('To date').inputValue()).toBe('');
    },
    FLOW_TIMEOUT,
  );

  it(
    'issue 13.8: a Client Secret pasted with a space keeps all its characters and its field says what is wrong',
    async () => {
      await page.goto(`${baseUrl}/settings/mfa/providers/new/duo`);
      await heading(page, 'Provider registration').waitFor();
      await page.getByLabel('Name', { exact: true }).fill('Duo pasted');
      await page.getByLabel('Endpoint').fill(env.app.endpoint);
      await page.getByLabel('Client ID').fill(env.app.clientId);
      const secret = page.getByLabel('Client Secret');
      await secret.fill(` ${env.app.clientSecret}`);
      expect(await secret.inputValue()).toBe(` ${env.app.clientSecret}`);
      await page.getByText('41 characters: 1 over the limit of 40.').waitFor();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('The Client Secret has spaces around it; paste it again without them.').waitFor();
      expect(await secret.getAttribute('aria-invalid')).toBe('true');
      // Corrected, then Save straight from the field: the field's length note must not move the button
      // away under the pointer as the field loses focus (the click would land nowhere).
      await secret.fill(env.app.clientSecret);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await heading(page, 'Providers').waitFor();
      await toast('Duo pasted is registered and enabled').waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'issue 13.12: a provider from `provider apply` is marked as managed by code, with a warning before an edit',
    async () => {
      await applyProviders(
        [{ name: 'Duo as code', type: 'duo', enabled: true, values: { ...env.app } }],
        applyDepsOf(env.portal.services),
        { prune: false, dryRun: false, saveAnyway: false, confirmAffected: false, source: 'providers.yaml' },
        SYSTEM_CONTEXT,
      );
      await page.goto(`${baseUrl}/settings/mfa/providers`);
      const rowOf = (name: string) =>
        page
          .getByRole('table', { name: 'Providers' })
          .getByRole('row')
          .filter({ has: page.getByRole('link', { name, exact: true }) });
      const row = rowOf('Duo as code');
      await row.getByText('Managed by providers.yaml').waitFor();
      expect(await rowOf('Duo Security').textContent()).not.toContain('Managed by');
      await screenshot(page, 'mfa-providers-report-managed.png');
      await row.getByRole('link', { name: 'Duo as code' }).click();
      await heading(page, 'Edit Duo as code').waitFor();
      await page.getByText('Managed by code (providers.yaml)').waitFor();
      expect(await page.getByRole('main').textContent()).toContain('portcullis provider apply providers.yaml');
      await screenshot(page, 'mfa-provider-managed-by-code.png');
    },
    FLOW_TIMEOUT,
  );

  it(
    'issue 12.7 and 13.10: resetting a password needs a fresh sign-in, and the dialog asks for the password only',
    async () => {
      env.portal.clock.advance(11 * 60 * 1000);
      await page.goto(`${baseUrl}/settings/users?q=grace`);
      await dismissToasts(page);
      await page.getByRole('button', { name: 'Actions for grace' }).click();
      await page.getByRole('menuitem', { name: 'Reset password' }).click();
      const reset = page.getByRole('dialog', { name: 'Reset password of Grace Hopper' });
      await reset.getByLabel('New password').fill('a-brand-new-passphrase-9');
      await reset.getByRole('button', { name: 'Reset password' }).click();
      const reauth = page.getByRole('dialog', { name: 'Confirm your password' });
      await reauth.getByLabel('Password', { exact: true }).fill('not-my-password-at-all');
      await reauth.getByRole('button', { name: 'Confirm' }).click();
      await reauth.getByText('That password is not correct. Enter the password you sign in with.').waitFor();
      expect(await reauth.textContent()).not.toMatch(/username/i);
      await reauth.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await reauth.getByRole('button', { name: 'Confirm' }).click();
      await toast('The password of Grace Hopper is reset').waitFor();
      expect(await auditRows(env.portal, 'user.password_reset')).toHaveLength(1);
      expect(problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );
});
