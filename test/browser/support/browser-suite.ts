// The set-up every browser suite starts with: a portal listening over real HTTP, Chromium, and a
// console page on it; with Duo, the portal and the emulator, the people to seed, and (optionally)
// someone already signed in. close() ends whatever was started, in reverse order.
import type { Browser } from 'playwright-core';
import type { Role } from '../../../src/server/db/repos/users-repo.ts';
import { launchBrowser } from '../../helpers/browser.ts';
import { type PortalWithDuo, startPortalWithDuo } from '../../helpers/duo.ts';
import { seedUser } from '../../helpers/fixtures.ts';
import { createClient, type TestClient } from '../../helpers/http-client.ts';
import { listen, type TestPortal } from '../../helpers/portal.ts';
import { type ConsolePage, heading, openConsolePage, signIn } from './console-page.ts';

export interface BrowserSuite extends ConsolePage {
  browser: Browser;
  /** Where the console is served, e.g. http://localhost:41234. */
  baseUrl: string;
  close(): Promise<void>;
}

export interface DuoBrowserSuite extends BrowserSuite {
  env: PortalWithDuo;
}

export interface Person {
  username: string;
  /** STRONG_PASSWORD (test/helpers/fixtures.ts) when not given. */
  password?: string;
  role?: Role;
}

/** What a suite started, closed last-first; on a failed start, whatever was started is closed again. */
class CloseStack {
  private readonly steps: (() => Promise<unknown>)[] = [];

  push(close: () => Promise<unknown>): void {
    this.steps.push(close);
  }

  async close(): Promise<void> {
    while (this.steps.length > 0) await this.steps.pop()?.();
  }

  async start<T>(steps: () => Promise<T>): Promise<T> {
    try {
      return await steps();
    } catch (error) {
      await this.close().catch(() => {});
      throw error;
    }
  }
}

async function openOn(
  stack: CloseStack,
  portal: TestPortal,
  options: { loopbackIp?: boolean; browserArgs?: string[] },
): Promise<BrowserSuite> {
  const listening = await listen(portal);
  const baseUrl = options.loopbackIp ? `http://127.0.0.1:${new URL(listening).port}` : listening;
  const browser = await launchBrowser(options.browserArgs);
  stack.push(() => browser.close());
  const opened = await openConsolePage(browser);
  stack.push(() => opened.context.close());
  return { ...opened, browser, baseUrl, close: () => stack.close() };
}

/**
 * Serves `portal` and opens a console page on it in a new Chromium. `loopbackIp` serves it as
 * http://127.0.0.1 (another site than the emulator's https://localhost); `closeToo` runs last when
 * the suite closes (the portal's own close, usually).
 */
export async function openBrowserSuite(
  portal: TestPortal,
  options: { loopbackIp?: boolean; browserArgs?: string[]; closeToo?: () => Promise<void> } = {},
): Promise<BrowserSuite> {
  const stack = new CloseStack();
  if (options.closeToo) stack.push(options.closeToo);
  return stack.start(() => openOn(stack, portal, options));
}

/** An administrator's API client, signed in: for set-up the suite does not test through the screens. */
export async function apiAs(env: PortalWithDuo, person: { username: string; password: string }): Promise<TestClient> {
  const client = createClient(env.portal.fastify);
  const login = await client.signIn(person.username, person.password);
  if (login.status !== 200) throw new Error(`${person.username} could not sign in: ${login.body}`);
  return client;
}

/**
 * The portal and the Duo emulator with `people` seeded, then `prepare` (register a provider, set the
 * Application URL...) once the portal listens, then Chromium. With `signInAs`, that person signs in
 * through the form and lands on the home page.
 */
export async function startDuoBrowserSuite(options: {
  people: Person[];
  prepare?: (env: PortalWithDuo, baseUrl: string) => Promise<void>;
  loopbackIp?: boolean;
  /** Chromium trusts exactly the emulator's key, as a browser that trusts its CA would. */
  trustEmulator?: boolean;
  signInAs?: { username: string; password: string; displayName: string };
}): Promise<DuoBrowserSuite> {
  const stack = new CloseStack();
  return stack.start(async () => {
    const env = await startPortalWithDuo('sqlite');
    stack.push(() => env.close());
    for (const { username, password, role } of options.people) {
      await seedUser(env.portal, username, { ...(password && { password }), ...(role && { role }) });
    }
    const suite = await openOn(stack, env.portal, {
      ...(options.loopbackIp && { loopbackIp: true }),
      ...(options.trustEmulator && {
        browserArgs: [`--ignore-certificate-errors-spki-list=${env.emulator.serverSpkiSha256}`],
      }),
    });
    await options.prepare?.(env, suite.baseUrl);
    if (options.signInAs) {
      const { username, password, displayName } = options.signInAs;
      await signIn(suite.page, suite.baseUrl, username, password);
      await heading(suite.page, `Welcome, ${displayName}`).waitFor();
    }
    return { ...suite, env };
  });
}
