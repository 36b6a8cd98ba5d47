// Shared by the browser suites: a page that records script errors and CSP violations, screenshots for
// docs/screenshots (only with PORTCULLIS_UPDATE_SCREENSHOTS=1), and small role-based helpers.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const STEP_TIMEOUT = 10_000;
export const FLOW_TIMEOUT = 120_000;
export const UPDATE_SCREENSHOTS = process.env.PORTCULLIS_UPDATE_SCREENSHOTS === '1';
const SCREENSHOT_DIR = new URL('../../../docs/screenshots/', import.meta.url).pathname;

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Script errors, CSP violations and failed requests the console logged: each one is a bug. */
  problems: string[];
}

export async function openConsolePage(browser: Browser): Promise<ConsolePage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'UTC',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Only the portal's own pages count (the Duo emulator's are not ours to judge), and a refusal the
    // test provokes on purpose (a 4xx the console shows as a message) is logged by Chromium, not a bug.
    if (page.url().startsWith('https://') || /status of 4\d\d/.test(message.text())) return;
    problems.push(`console: ${message.text()}`);
  });
  if (UPDATE_SCREENSHOTS) mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return { context, page, problems };
}

/** Closes the confirmations still on screen (they leave by themselves after a few seconds). */
export async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Dismiss' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

export async function screenshot(
  page: Page,
  name: string,
  options: { keepToasts?: boolean; viewport?: boolean } = {},
): Promise<void> {
  if (!UPDATE_SCREENSHOTS) return;
  if (!options.keepToasts) await dismissToasts(page);
  // `viewport`: what is on screen as it is (an open menu stays where its button is scrolled to).
  if (!options.viewport) {
    await page.mouse.move(2, 790); // no hover highlight in the picture
    // A full-page picture of a scrolled page draws the sticky top bar mid-page: start from the top.
    await page.evaluate('window.scrollTo(0, 0)');
  }
  await page.waitForTimeout(400); // let transitions settle so the picture shows the resting state
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: !options.viewport, animations: 'disabled' });
}

export const heading = (page: Page, name: string) => page.getByRole('heading', { name, exact: true, level: 1 });

/** Signs in through the native form, as a person does. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await heading(page, 'Sign in').waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}
