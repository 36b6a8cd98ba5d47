// The emulator's own Chromium launcher (the package imports nothing outside its folder): Debian's chromium.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

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
