// The emulator's own Chromium launcher (the package imports nothing outside its folder): Debian's chromium.
import { existsSync } from 'node:fs';
import https from 'node:https';
import { Client } from '@duosecurity/duo_universal';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { type DuoEmulator, startDuoEmulator } from '../index.ts';
import { type CallbackServer, startCallbackServer } from './callback-server.ts';

const CHROMIUM_PATH = process.env.PORTCULLIS_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Skipped (with the reason) without Chromium, unless PORTCULLIS_TEST_REQUIRE_BROWSER=1 (CI) makes that a failure. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.PORTCULLIS_TEST_REQUIRE_BROWSER === '1')
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; the browser suites are required here`);
  console.warn(`[browser tests] Chromium not found at ${CHROMIUM_PATH}: browser suites skipped on this machine`);
  return false;
}

export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', ...extraArgs],
  });
}

/** What a prompt suite in Chromium needs: an emulator, the application's callback, a browser and the official SDK. */
export interface PromptBrowserSuite {
  emulator: DuoEmulator;
  callback: CallbackServer;
  context: BrowserContext;
  sdk: Client;
  close(): Promise<void>;
}

export async function startPromptBrowserSuite(viewport?: {
  width: number;
  height: number;
}): Promise<PromptBrowserSuite> {
  const emulator = await startDuoEmulator();
  const callback = await startCallbackServer();
  // Trust exactly the emulator's key, the way a developer's browser would after trusting its CA.
  const browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${emulator.serverSpkiSha256}`]);
  const context = await browser.newContext(viewport ? { viewport } : {});
  context.setDefaultTimeout(10_000);
  const creds = emulator.registerClient({ name: 'Portcullis' });
  const sdk = new Client({ ...creds, apiHost: emulator.apiHost, redirectUrl: callback.redirectUri });
  // The SDK pins Duo's CA bundle with no option to change it; only its agent is swapped.
  (sdk as unknown as { axios: { defaults: { httpsAgent: https.Agent } } }).axios.defaults.httpsAgent = new https.Agent({
    ca: emulator.caPem,
  });
  return {
    emulator,
    callback,
    context,
    sdk,
    async close() {
      await context.close();
      await browser.close();
      await callback.close();
      await emulator.close();
    },
  };
}
