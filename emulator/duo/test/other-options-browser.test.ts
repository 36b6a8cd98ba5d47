// "Other options" as a person uses them, in real Chromium, from the official SDK's auth URL to the callback: a Duo
// Mobile passcode read off the simulated phone, a bypass code from the help desk, and a phone call answered.
// DUO_EMULATOR_SCREENSHOT_DIR=<dir> also saves each page as a PNG there (the docs use them).
import { join } from 'node:path';
import type { Client } from '@duosecurity/duo_universal';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuoEmulator } from '../index.ts';
import { browserAvailable, type PromptBrowserSuite, startPromptBrowserSuite } from './browser.ts';
import type { CallbackServer } from './callback-server.ts';

const SCREENSHOT_DIR = process.env.DUO_EMULATOR_SCREENSHOT_DIR;

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });
}

describe.skipIf(!browserAvailable())('Other options in Chromium', () => {
  let suite: PromptBrowserSuite;
  let emulator: DuoEmulator;
  let callback: CallbackServer;
  let context: BrowserContext;
  let sdk: Client;
  const problems: string[] = [];

  beforeAll(async () => {
    suite = await startPromptBrowserSuite({ width: 1100, height: 760 });
    ({ emulator, callback, context, sdk } = suite);
  });

  afterAll(async () => {
    await suite?.close();
    expect(problems).toEqual([]);
  });

  async function otherOptions(username: string): Promise<{ page: Page; state: string }> {
    const state = sdk.generateState();
    const page = await context.newPage();
    // The emulator's pages must log no error (the test's own callback page is not the emulator's).
    page.on('console', (m) => {
      if (m.type() === 'error' && m.location().url.startsWith(emulator.baseUrl)) problems.push(m.text());
    });
    await page.goto(await sdk.createAuthUrl(username, state));
    await page.getByRole('button', { name: 'Other options' }).click();
    await page.getByRole('heading', { name: 'Other options to log in' }).waitFor();
    return { page, state };
  }

  /** Back at the application with a code that redeems to an allow for `factor`. */
  async function expectSignedInWith(page: Page, state: string, username: string, factor: string) {
    await page.waitForURL((url) => url.toString().startsWith(callback.redirectUri));
    const params = new URL(page.url()).searchParams;
    expect(params.get('state')).toBe(state);
    const token = await sdk.exchangeAuthorizationCodeFor2FAResult(params.get('duo_code') ?? '', username);
    expect(token.auth_result.status).toBe('allow');
    expect(token.auth_context.factor).toBe(factor);
    await page.close();
  }

  it('a Duo Mobile passcode: a wrong one is refused, the one on the phone signs in', async () => {
    emulator.setUser('alice', { enrolled: true, phone: '+1 555-0100' });
    const { page, state } = await otherOptions('alice');
    await screenshot(page, 'duo-other-options.png');
    await page
      .getByRole('navigation', { name: 'Other options' })
      .getByRole('button', { name: /Duo Mobile passcode/ })
      .click();
    const field = page.getByRole('textbox', { name: 'Duo Mobile passcode' });
    await expect(field.evaluate((el) => el === el.ownerDocument.activeElement)).resolves.toBe(true);
    await field.fill('000000');
    await field.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Incorrect passcode' }).waitFor();
    const phone = page.getByRole('complementary', { name: 'Simulated Duo Mobile phone' });
    const shown = await phone.getByText(/^\d{6}$/).textContent();
    expect(shown).toBe(emulator.passcodeFor('alice'));
    await screenshot(page, 'duo-passcode.png');
    await field.fill(shown ?? '');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expectSignedInWith(page, state, 'alice', 'duo_mobile_passcode');
  });

  it('a bypass code from the help desk signs in once', async () => {
    emulator.setUser('bob', { enrolled: true });
    const [code] = emulator.createBypassCodes('bob', { count: 1 });
    const { page, state } = await otherOptions('bob');
    await page.getByRole('button', { name: /Bypass code/ }).click();
    await page.getByRole('textbox', { name: 'Bypass code' }).fill(code ?? '');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expectSignedInWith(page, state, 'bob', 'bypass_code');
  });

  it('a phone call: Duo calls, the phone answers and presses 1', async () => {
    emulator.setUser('carol', { enrolled: true, phone: '+1 555-0123' });
    const { page, state } = await otherOptions('carol');
    await page.getByRole('button', { name: /Phone call/ }).click();
    await page.getByRole('heading', { name: 'Calling your phone' }).waitFor();
    await screenshot(page, 'duo-phone-call.png');
    const phone = page.getByRole('complementary', { name: 'Simulated Duo Mobile phone' });
    await phone.getByRole('button', { name: 'Answer and press 1' }).click();
    await expectSignedInWith(page, state, 'carol', 'phone_call');
  });
});
