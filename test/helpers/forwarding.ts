import { expect } from 'vitest';
import type { DestinationView } from '../../src/shared/api/audit-forwarding.ts';
import type { TestClient } from './http-client.ts';
import type { TestPortal } from './portal.ts';

/** Polls `check` until it returns a value other than undefined/false (forwarding runs in the background). */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function destination(admin: TestClient, id: number): Promise<DestinationView> {
  return (await admin.get(`/api/admin/audit/destinations/${id}`)).json<DestinationView>();
}

/** Waits until the destination's last attempt failed; returns its status. */
export function failing(admin: TestClient, id: number) {
  return until('a failed delivery attempt', async () => {
    const view = await destination(admin, id);
    return view.status.state === 'failing' && view.status;
  });
}

/** After an outage: let the back-off run out (the test clock stands still otherwise). */
export function skipBackoff(portal: TestPortal): void {
  portal.clock.advance(10 * 60_000);
}

/** Ids of every audit record, oldest first. */
export async function allEventIds(portal: TestPortal): Promise<number[]> {
  const rows = await portal.services.storage.db.selectFrom('audit_events').select('id').orderBy('id').execute();
  return rows.map((row) => Number(row.id));
}

export async function outboxSize(portal: TestPortal): Promise<number> {
  const row = await portal.services.storage.db
    .selectFrom('audit_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Waits until the receiver has every event from `firstId` on and the outbox is empty, then checks that
 * each arrived exactly once: nothing lost, nothing twice. `received` lists the ids the receiver got.
 */
export async function expectEachDeliveredOnce(portal: TestPortal, received: () => number[], firstId: number) {
  const expected = async () => (await allEventIds(portal)).filter((id) => id >= firstId);
  await until('every event delivered', async () => {
    return received().length >= (await expected()).length && (await outboxSize(portal)) === 0;
  });
  const ids = received();
  expect([...ids].sort((a, b) => a - b)).toEqual(await expected());
  expect(new Set(ids).size).toBe(ids.length);
}
