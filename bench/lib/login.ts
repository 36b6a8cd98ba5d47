import { performance } from 'node:perf_hooks';
import { type Agents, Browser, expectStatus } from './browser.ts';
import { cpuNanos } from './proc.ts';

export type LoginKind = 'password' | 'duo';

export const STEPS: Record<LoginKind, string[]> = {
  password: ['csrf', 'password'],
  duo: ['csrf', 'password', 'duo-authorize', 'callback'],
};

export const STEP_LABELS: Record<string, string> = {
  csrf: 'GET /api/session (CSRF token)',
  password: 'POST /api/auth/login (form)',
  'duo-authorize': 'GET Duo authorize (emulator, redirects back)',
  callback: 'GET /api/auth/mfa/:id/callback',
};

export interface LoginTarget {
  portalBase: string;
  agents: Agents;
  password: string;
  /** When set, each step's server CPU (ns, from schedstat) is recorded: for concurrency 1 only. */
  serverPid?: number;
}

export interface LoginSample {
  wallMs: Record<string, number>;
  cpuMs?: Record<string, number>;
}

/**
 * One browser signing in from scratch, as the console does: fetch the CSRF token, post the sign-in
 * form, and for a user with Duo follow the 302 to the (emulated) Universal Prompt, which redirects
 * straight back, then open the callback. Ends with a session cookie or throws.
 */
export async function signInOnce(
  target: LoginTarget,
  username: string,
  kind: LoginKind,
  browser = new Browser(target.portalBase, target.agents),
): Promise<LoginSample> {
  const wallMs: Record<string, number> = {};
  const cpuMs: Record<string, number> = {};
  const pid = target.serverPid;
  async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
    const cpu0 = pid ? cpuNanos(pid) : 0;
    const t0 = performance.now();
    const result = await work();
    wallMs[name] = performance.now() - t0;
    if (pid) cpuMs[name] = (cpuNanos(pid) - cpu0) / 1e6;
    return result;
  }

  await step('csrf', () => browser.fetchCsrf());
  const login = await step('password', () =>
    browser.portal('POST', '/api/auth/login', { form: { username, password: target.password } }),
  );
  if (kind === 'password') {
    expectStatus('password-only sign-in', login, 303);
  } else {
    expectStatus('sign-in with Duo', login, 302);
    const authorize = login.location ?? '';
    const back = await step('duo-authorize', () => browser.duo(authorize));
    expectStatus('Duo authorize', back, 302, 303);
    const callback = await step('callback', () => browser.portal('GET', back.location ?? ''));
    expectStatus('Duo callback', callback, 303);
    if (callback.location !== '/') throw new Error(`Duo callback sent the browser to ${callback.location}`);
  }
  if (!browser.hasSession()) throw new Error(`${kind} sign-in of ${username} ended without a session cookie`);
  return pid === undefined ? { wallMs } : { wallMs, cpuMs };
}

/**
 * `count` sign-ins spread over `users.length` browsers running side by side (one user each, so the
 * per-account limits on Duo trips never bind). Returns the samples in completion order.
 */
export async function signInMany(
  target: LoginTarget,
  users: string[],
  kind: LoginKind,
  count: number,
): Promise<LoginSample[]> {
  const samples: LoginSample[] = [];
  let started = 0;
  await Promise.all(
    users.map(async (username) => {
      while (started < count) {
        started += 1;
        samples.push(await signInOnce(target, username, kind));
      }
    }),
  );
  return samples;
}
