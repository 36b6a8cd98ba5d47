import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PORTCULLIS_TEST_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Browser suites need Debian's Chromium. On a developer machine without it they are reported as
 * skipped (with the reason); CI sets PORTCULLIS_TEST_REQUIRE_BROWSER=1 so a missing browser fails.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.PORTCULLIS_TEST_REQUIRE_BROWSER === '1') {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}; CI requires the browser suites (apt-get install chromium)`,
    );
  }
  console.warn(`[browser tests] Chromium not found at ${CHROMIUM_PATH}: browser suites skipped on this machine`);
  return false;
}

/** Launch Chromium with the flags this machine needs (no sandbox as root, no background network). */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}
