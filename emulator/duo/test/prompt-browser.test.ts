// The prompt pages as a person walks them, in real Chromium, from the official SDK's auth URL to the callback.
import type { Client } from '@duosecurity/duo_universal';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuoEmulator } from '../index.ts';
import { browserAvailable, type PromptBrowserSuite, startPromptBrowserSuite } from './browser.ts';
import type { CallbackServer } from './callback-server.ts';

describe.skipIf(!browserAvailable())('Duo prompt in Chromium', () => {
  let suite: PromptBrowserSuite;
  let emulator: DuoEmulator;
  let callback: CallbackServer;
  let context: BrowserContext;
  let sdk: Client;

  beforeAll(async () => {
    suite = await startPromptBrowserSuite();
    ({ emulator, callback, context, sdk } = suite);
  });

  afterAll(() => suite?.close());

  async function openPrompt(username: string): Promise<{ page: Page; state: string }> {
    const state = sdk.generateState();
    const page = await context.newPage();
    await page.goto(await sdk.createAuthUrl(username, state));
    return { page, state };
  }

  /** Waits for the browser to reach the callback and proves the code there is a real one by redeeming it. */
  async function expectBackAtCallback(page: Page, state: string, username: string): Promise<void> {
    await page.waitForURL((url) => url.toString().startsWith(callback.redirectUri));
    const params = new URL(page.url()).searchParams;
    expect(params.get('state')).toBe(state);
    const recorded = callback.calls.at(-1);
    expect(recorded?.get('state')).toBe(state);
    expect(recorded?.get('duo_code')).toBe(params.get('duo_code'));
    const token = await sdk.exchangeAuthorizationCodeFor2FAResult(params.get('duo_code') ?? '', username);
    expect(token.auth_result.status).toBe('allow');
    await page.close();
  }

  it('an enrolled user sends a push and approves it on the simulated phone', async () => {
    emulator.setUser('alice', { enrolled: true, phone: '+1 555-0100' });
    const { page, state } = await openPrompt('alice');
    await page.getByRole('button', { name: 'Send Me a Push' }).click();
    await expect(page.getByRole('heading', { name: 'Check for a Duo Push' }).isVisible()).resolves.toBe(true);
    const phone = page.getByRole('complementary', { name: 'Simulated Duo Mobile phone' });
    await phone.getByRole('button', { name: 'Approve' }).click();
    await expectBackAtCallback(page, state, 'alice');
  });

  it('a denied push shows the error and a retry, and the retried push is approved', async () => {
    emulator.setUser('bob', { enrolled: true });
    const { page, state } = await openPrompt('bob');
    await page.getByRole('button', { name: 'Send Me a Push' }).click();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('alert').filter({ hasText: 'Login request denied.' }).waitFor();
    await page.getByRole('button', { name: 'Report as fraud' }).waitFor();
    await page.getByRole('button', { name: 'Send Me a Push' }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await expectBackAtCallback(page, state, 'bob');
    expect(emulator.getUser('bob')?.status).toBe('active');
  });

  it('an unanswered push times out back to the prompt, and a retry is approved', async () => {
    emulator.setUser('carol', { enrolled: true, pushTimeoutMs: 1_000 });
    const { page, state } = await openPrompt('carol');
    await page.getByRole('button', { name: 'Send Me a Push' }).click();
    await page.getByRole('alert').filter({ hasText: 'Login request timed out.' }).waitFor();
    // The person is quicker the second time; a longer timeout keeps the test from racing the page's reload.
    emulator.setUser('carol', { pushTimeoutMs: 60_000 });
    await page.getByRole('button', { name: 'Send Me a Push' }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await expectBackAtCallback(page, state, 'carol');
  });

  it('a new user walks the enrolment screens, scans the QR code and logs in with a push', async () => {
    const { page, state } = await openPrompt('dave');
    await page.getByRole('button', { name: 'Duo Mobile' }).click();
    await page.getByLabel('Country').selectOption({ label: 'Brazil (+55)' });
    await page.getByLabel('Phone number').fill('11 98765-4321');
    await page.getByRole('button', { name: 'Add phone number' }).click();
    await page.getByText('+55 11987654321').waitFor();
    await page.getByRole('button', { name: "Yes, it's correct" }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    const qr = page.getByRole('img', { name: 'QR code to activate Duo Mobile' });
    await qr.waitFor();
    const decoded = await qr.evaluate((img) => {
      const loaded = img as unknown as { complete: boolean; naturalWidth: number };
      return loaded.complete && loaded.naturalWidth > 100;
    });
    expect(decoded).toBe(true);
    await page.getByRole('button', { name: 'Simulate scan' }).click();
    await page.getByRole('heading', { name: 'Duo Mobile added' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Log in with Duo' }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await expectBackAtCallback(page, state, 'dave');
    expect(emulator.getUser('dave')).toMatchObject({ enrolled: true, phone: '+55 11987654321', status: 'active' });
  });
});
