import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startDuoEmulator } from '../../../emulator/duo/index.ts';
import type { DuoEmulator, DuoFault } from '../../../emulator/duo/types.ts';
import {
  createDuoClient,
  createNonce,
  createState,
  type DuoAuthResult,
  type DuoClient,
  type DuoClientOptions,
  type DuoClientSettings,
} from '../../../src/server/duo/index.ts';

export type { DuoEmulator };
export { startDuoEmulator };

/** Recognisable values, so a leak scan can look for them (anchors #90). */
export const CLIENT_ID = 'DIPLANTEDCLIENT00001';
export const SECRET = 'PLANTEDsecretDoNotLog0123456789abcdefghi';
export const REDIRECT_URI = 'https://portal.example.com/auth/mfa/duo/callback';

export interface Fixture {
  emulator: DuoEmulator;
  client(options?: Partial<DuoClientOptions>, settings?: Partial<DuoClientSettings>): DuoClient;
  closeClients(): Promise<void>;
}

export function fixture(emulator: DuoEmulator): Fixture {
  emulator.registerClient({ clientId: CLIENT_ID, clientSecret: SECRET, name: 'Portcullis tests' });
  const clients: DuoClient[] = [];
  return {
    emulator,
    client(options = {}, settings = {}) {
      const duo = createDuoClient(
        {
          clientId: CLIENT_ID,
          clientSecret: SECRET,
          apiHost: emulator.apiHost,
          redirectUri: REDIRECT_URI,
          ...settings,
        },
        { allowCustomHosts: true, extraCaPem: emulator.caPem, ...options },
      );
      clients.push(duo);
      return duo;
    },
    async closeClients() {
      await Promise.all(clients.splice(0).map((duo) => duo.close()));
    },
  };
}

export interface Login {
  username: string;
  state: string;
  nonce: string;
  code: string;
  authorizeUrl: string;
}

/** The user approves the push at the emulator; returns what the portal's callback would receive. */
export async function approvedLogin(emulator: DuoEmulator, duo: DuoClient, username = 'alice'): Promise<Login> {
  if (!emulator.getUser(username))
    emulator.setUser(username, { status: 'active', enrolled: true, autoPush: 'approve' });
  const state = createState();
  const nonce = createNonce();
  const authorizeUrl = duo.createAuthUrl(username, state, nonce);
  const outcome = await emulator.completeAuthorization(authorizeUrl, 'approve');
  if (outcome.kind !== 'redirect') throw new Error(`emulator did not redirect: ${JSON.stringify(outcome)}`);
  const callback = new URL(outcome.url);
  expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
  expect(callback.searchParams.get('state')).toBe(state);
  const code = callback.searchParams.get('duo_code');
  if (!code) throw new Error('no duo_code in the callback');
  return { username, state, nonce, code, authorizeUrl };
}

/** Everything a leak scan must not find after a sign-in attempt. */
export function plantedValues(login?: Login): string[] {
  return [SECRET, ...(login ? [login.code, login.state, login.nonce] : [])];
}

export function lastForm(emulator: DuoEmulator, path: string): Record<string, string | string[]> {
  const request = [...emulator.requests].reverse().find((r) => r.path === path);
  if (!request?.form) throw new Error(`no form request to ${path}`);
  return request.form;
}

export function assertionsSent(emulator: DuoEmulator): string[] {
  return emulator.requests.flatMap((r) => {
    const value = r.form?.client_assertion;
    return typeof value === 'string' ? [value] : [];
  });
}

export interface Harness {
  readonly emulator: DuoEmulator;
  client(options?: Partial<DuoClientOptions>, settings?: Partial<DuoClientSettings>): DuoClient;
  /** Secret, every assertion the emulator received, and the login's code/state/nonce. */
  planted(...logins: Login[]): string[];
  /** One approved login with a fresh client, then the exchange under the given token faults. */
  exchangeWith(faults: DuoFault[], username?: string): Promise<{ login: Login; result: Promise<DuoAuthResult> }>;
}

/** One emulator per test file; faults, recorded requests and clients are reset after each test. */
export function emulatorHarness(): Harness {
  let emulator: DuoEmulator | undefined;
  let f: Fixture | undefined;
  beforeAll(async () => {
    emulator = await startDuoEmulator();
    f = fixture(emulator);
  });
  afterAll(async () => {
    await f?.closeClients();
    await emulator?.close();
  });
  afterEach(async () => {
    emulator?.setFaults([]);
    emulator?.clearRequests();
    await f?.closeClients();
  });
  const ready = () => {
    if (!emulator || !f) throw new Error('emulator not started');
    return { emulator, f };
  };
  return {
    get emulator() {
      return ready().emulator;
    },
    client: (options, settings) => ready().f.client(options, settings),
    planted: (...logins) => [
      SECRET,
      ...assertionsSent(ready().emulator),
      ...logins.flatMap((login) => plantedValues(login)),
    ],
    async exchangeWith(faults, username = 'alice') {
      const { emulator, f } = ready();
      const duo = f.client();
      const login = await approvedLogin(emulator, duo, username);
      emulator.setFaults(faults);
      return { login, result: duo.exchangeCode(login.code, login.username, login.nonce) };
    },
  };
}
