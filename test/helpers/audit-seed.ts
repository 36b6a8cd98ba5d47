import type { Insertable } from 'kysely';
import type { AuditEventsTable } from '../../src/server/db/schema.ts';
import type { TestPortal } from './portal.ts';

export type SeedEvent = Partial<Insertable<AuditEventsTable>>;

/**
 * Inserts audit rows straight into the table (the fast path the benchmark documents too), 500 per
 * statement: for tests that need thousands of records without thousands of sign-ins.
 */
export async function seedAuditEvents(
  portal: TestPortal,
  count: number,
  make: (index: number) => SeedEvent = () => ({}),
): Promise<void> {
  const start = portal.clock();
  for (let first = 0; first < count; first += 500) {
    const rows = Array.from({ length: Math.min(500, count - first) }, (_, offset) => {
      const index = first + offset;
      return {
        occurred_at: start - (count - index) * 1000,
        type: 'login.succeeded',
        outcome: 'success' as const,
        actor_username: `user${index % 50}`,
        target_type: 'user',
        target_id: String(index % 50),
        target_label: `user${index % 50}`,
        ip: '192.0.2.1',
        user_agent: 'seed',
        reason: null,
        request_id: null,
        details: '{}',
        ...make(index),
      };
    });
    await portal.services.storage.db.insertInto('audit_events').values(rows).execute();
  }
}
