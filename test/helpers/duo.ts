import { type DuoEmulator, startDuoEmulator } from '../../emulator/duo/index.ts';
import type { Engine } from '../../src/server/db/database.ts';
import { startTestPortal, type TestClock, type TestPortal, testClock } from './portal.ts';

export interface PortalWithDuo {
  portal: TestPortal;
  emulator: DuoEmulator;
  /** A ready Web SDK application on the emulator: what an administrator copies from Duo. */
  app: { clientId: string; clientSecret: string; endpoint: string };
  close(): Promise<void>;
}

/**
 * A portal in test mode (custom Duo hosts allowed) trusting the Duo emulator's CA, and the emulator
 * with one registered application. The emulator is the only fake Duo; everything else is real.
 */
export async function startPortalWithDuo(
  engine: Engine,
  options: { env?: Record<string, string>; clock?: TestClock; emulatorNow?: () => number } = {},
): Promise<PortalWithDuo> {
  // One clock for both sides, so moving time in a test moves Duo's clock too (unless told otherwise).
  const clock = options.clock ?? testClock(Date.now());
  const emulator = await startDuoEmulator({ now: options.emulatorNow ?? clock });
  const portal = await startTestPortal(engine, {
    env: { PORTCULLIS_DUO_CA_FILE: emulator.caFile, PORTCULLIS_DUO_TIMEOUT_MS: '1500', ...options.env },
    clock,
  });
  const { clientId, clientSecret } = emulator.registerClient({ name: 'Portcullis' });
  return {
    portal,
    emulator,
    app: { clientId, clientSecret, endpoint: emulator.apiHost },
    async close() {
      await portal.close();
      await emulator.close();
    },
  };
}

/** The portal-side path (and query) of a callback URL the emulator produced. */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/**
 * Registers the emulator as a Duo provider through the admin API and sets the Application URL, as an
 * administrator would. Returns the provider id.
 */
export async function registerDuo(
  env: PortalWithDuo,
  admin: {
    post(url: string, body?: unknown): Promise<{ status: number; json<T>(): T }>;
    raw(method: string, url: string, init?: { body?: unknown }): Promise<{ status: number }>;
  },
  options: { name?: string; values?: Record<string, string>; applicationUrl?: string } = {},
): Promise<number> {
  const url = await admin.raw('PUT', '/api/admin/settings/application-url', {
    body: { applicationUrl: options.applicationUrl ?? 'http://localhost:8080' },
  });
  if (url.status !== 200) throw new Error(`could not set the Application URL: ${url.status}`);
  const response = await admin.post('/api/admin/mfa/providers', {
    type: 'duo',
    name: options.name ?? 'Duo Security',
    enabled: true,
    values: {
      endpoint: env.app.endpoint,
      clientId: env.app.clientId,
      clientSecret: env.app.clientSecret,
      ...options.values,
    },
  });
  if (response.status !== 201)
    throw new Error(`could not register Duo: ${response.status} ${JSON.stringify(response.json())}`);
  return response.json<{ provider: { id: number } }>().provider.id;
}
