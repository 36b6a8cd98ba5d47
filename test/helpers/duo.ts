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
