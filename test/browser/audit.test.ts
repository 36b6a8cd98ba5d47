// The audit log at scale in real Chromium: cursor paging with an honest count, Settings › System ›
// Audit forwarding against a real HTTPS receiver (add, test, edit, status, remove), and retention
// (download an archive, then prune what it holds).
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAuditEvents } from '../helpers/audit-seed.ts';
import { browserAvailable } from '../helpers/browser.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { startTestPortal, type TestPortal } from '../helpers/portal.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { type BrowserSuite, openBrowserSuite } from './support/browser-suite.ts';
import { FLOW_TIMEOUT, heading, screenshot, signIn, UPDATE_SCREENSHOTS } from './support/console-page.ts';

const DAY = 86_400_000;

/** A picture of one part of the page (a dialog, a toolbar) for docs/audit.md. */
async function shot(target: Locator, name: string): Promise<void> {
  if (!UPDATE_SCREENSHOTS) return;
  await target.page().mouse.move(2, 790);
  await target.page().waitForTimeout(400);
  await target.screenshot({
    path: new URL(`../../docs/screenshots/${name}`, import.meta.url).pathname,
    animations: 'disabled',
  });
}
const KEY = 'browser-test-signing-key-0123456789abcdef';

describe.skipIf(!browserAvailable())('the audit log, forwarding and retention in Chromium', () => {
  let portal: TestPortal;
  let suite: BrowserSuite;
  let page: Page;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    portal = await startTestPortal('sqlite');
    await seedUser(portal, 'ada', { role: 'administrator' });
    const now = portal.clock();
    // 120 sign-ins over the last 120 days, then the administrator's own records.
    await seedAuditEvents(portal, 120, (index) => ({
      occurred_at: now - (120 - index) * DAY,
      type: index % 3 ? 'login.succeeded' : 'login.failed',
      outcome: index % 3 ? 'success' : 'failure',
      actor_username: index % 3 ? `user${index}` : null,
      target_label: `user${index}`,
    }));
    receiver = await startWebhookReceiver(KEY);
    suite = await openBrowserSuite(portal, { closeToo: () => portal.close() });
    page = suite.page;
    await signIn(page, suite.baseUrl, 'ada', STRONG_PASSWORD);
    await heading(page, 'Welcome, Ada').waitFor();
  });
  afterAll(async () => {
    await suite?.close();
    await receiver?.stop();
  });

  const summary = () => page.getByRole('navigation', { name: 'records pages' }).locator('.pagination-summary');
  const rows = () => page.getByRole('table', { name: 'Audit records' }).locator('tbody tr:not(.row-details)');

  it(
    'pages the audit log by cursor, newest first, keeping the filters and saying how many match',
    async () => {
      await page.goto(`${suite.baseUrl}/settings/audit?type=login.*`);
      await heading(page, 'Audit log').waitFor();
      await summary().getByText('121', { exact: true }).waitFor(); // 120 seeded + Ada's sign-in
      expect(await summary().textContent()).toBe('Showing 50 records · 121 match');
      expect(await rows().count()).toBe(50);
      const firstOnPageOne = await rows().first().textContent();

      await page.getByRole('button', { name: 'Next (older) records' }).click();
      await page.waitForURL((url) => url.searchParams.has('after') && url.searchParams.get('type') === 'login.*');
      await page.getByRole('button', { name: 'Newest' }).waitFor();
      await expect.poll(() => rows().first().textContent()).not.toBe(firstOnPageOne);
      await page.getByRole('button', { name: 'Next (older) records' }).click();
      await expect.poll(() => rows().count()).toBe(21);
      expect(await page.getByRole('button', { name: 'Next (older) records' }).isDisabled()).toBe(true);

      await page.getByRole('button', { name: 'Previous (newer) records' }).click();
      await page.waitForURL((url) => url.searchParams.has('before'));
      await expect.poll(() => rows().count()).toBe(50);
      await page.getByRole('button', { name: 'Newest' }).click();
      await page.waitForURL((url) => !url.searchParams.has('before') && !url.searchParams.has('after'));
      await expect.poll(() => rows().first().textContent()).toBe(firstOnPageOne);

      // A new filter starts again at the newest records.
      await page.getByLabel('Outcome').selectOption('failure');
      await page.waitForURL((url) => url.searchParams.get('outcome') === 'failure' && !url.searchParams.has('after'));
      await expect.poll(() => summary().textContent()).toBe('Showing 40 records · 40 match');
    },
    FLOW_TIMEOUT,
  );

  it(
    'says "more than 1,000" rather than counting everything, and counts exactly when asked',
    async () => {
      await seedAuditEvents(portal, 1100, () => ({ type: 'session.signed_out' }));
      await page.goto(`${suite.baseUrl}/settings/audit?type=session.signed_out`);
      await summary().getByText('more than', { exact: false }).waitFor();
      expect(await summary().textContent()).toBe('Showing 50 records · more than 1,000 match Count all');
      await page.getByRole('button', { name: 'Count all' }).click();
      await summary().getByText('1,100', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Next (older) records' }).click();
      await page.getByRole('button', { name: 'Newest' }).waitFor();
      await shot(page.getByRole('navigation', { name: 'records pages' }), 'audit-pagination.png');
    },
    FLOW_TIMEOUT,
  );

  it(
    'adds a webhook destination, refusing a plain-HTTP URL first; the events arrive signed; a test event reports back',
    async () => {
      await page.goto(`${suite.baseUrl}/settings/audit`);
      await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit forwarding' }).click();
      await heading(page, 'Audit forwarding').waitFor();
      await page.getByText('Nothing is forwarded yet').waitFor();
      await page.getByRole('button', { name: 'Add destination' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Add destination' });
      await dialog.getByLabel('HTTPS webhook').check();
      await dialog.getByLabel('Name').fill('SIEM');
      await dialog.getByRole('button', { name: 'Generate' }).click();
      expect((await dialog.getByLabel('Signing key', { exact: true }).inputValue()).length).toBe(43);
      await dialog.getByLabel('URL').fill('http://siem.example/hook');
      await dialog.getByRole('button', { name: 'Add destination' }).click();
      await dialog.getByText('URL must be an https:// address').waitFor();
      await dialog.getByLabel('URL').fill(receiver.url);
      await dialog.getByLabel('Signing key', { exact: true }).fill(KEY);
      await dialog.getByLabel('CA certificates').fill(receiver.caPem);
      await shot(dialog, 'audit-destination-form.png');
      await dialog.getByRole('button', { name: 'Add destination' }).click();
      await dialog.waitFor({ state: 'detached' });
      const row = page
        .getByRole('table', { name: 'Forwarding destinations' })
        .getByRole('row')
        .filter({ hasText: 'SIEM' });
      await row.getByText('Delivering').waitFor({ timeout: 15_000 });
      await receiver.waitFor((deliveries) => deliveries.some((each) => each.body.type === 'audit_destination.created'));
      expect(receiver.deliveries.every((each) => each.verified)).toBe(true);

      await page.getByRole('button', { name: 'Actions for SIEM' }).click();
      await page.getByRole('menuitem', { name: 'Send a test event' }).click();
      await page
        .getByRole('status', { name: 'Test event to SIEM' })
        .getByText('The receiver accepted the test event.')
        .waitFor();
      // A second destination whose receiver is not there: how a failing one looks.
      const admin = createClient(portal.fastify);
      await admin.signIn('ada', STRONG_PASSWORD);
      await admin.post('/api/admin/audit/destinations', {
        kind: 'syslog',
        name: 'Archive syslog',
        host: '127.0.0.1',
        port: 9,
      });
      await page
        .getByRole('table', { name: 'Forwarding destinations' })
        .getByText('Failing')
        .waitFor({ timeout: 15_000 });
      await screenshot(page, 'settings-audit-forwarding.png');

      await page.getByRole('button', { name: 'Actions for SIEM' }).click();
      await page.getByRole('menuitem', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit SIEM' });
      await edit.getByText('Set. Leave empty to keep it').waitFor();
      await edit.getByLabel('Name').fill('SIEM (prod)');
      await edit.getByRole('button', { name: 'Save changes' }).click();
      await edit.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Actions for SIEM (prod)' }).waitFor();
      expect(suite.problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );

  it(
    'archives the records older than 30 days, then prunes what the archive holds',
    async () => {
      await page.goto(`${suite.baseUrl}/settings/audit`);
      await page.getByRole('button', { name: 'Archive and prune…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Archive and prune old records' });
      await dialog.getByLabel('Records older than (days)').fill('30');
      await dialog.getByText('90', { exact: true }).waitFor(); // seeded records from 120 to 31 days ago
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        dialog.getByRole('link', { name: 'Download 90 records (JSON Lines)' }).click(),
      ]);
      expect(
        readFileSync(await download.path(), 'utf8')
          .trimEnd()
          .split('\n'),
      ).toHaveLength(90);
      await dialog.getByRole('button', { name: 'Prune 90 records' }).waitFor();
      await shot(dialog, 'audit-retention.png');
      await dialog.getByRole('button', { name: 'Prune 90 records' }).click();
      await page.getByText('90 records are pruned (archive #1).').waitFor();
      await dialog.getByText('Nothing is older than that: there is nothing to archive.').waitFor();
      expect(suite.problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );
});
