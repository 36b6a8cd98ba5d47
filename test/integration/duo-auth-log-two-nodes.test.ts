/**
 * Issue 16 item 4, "deduplicated by txid across nodes": two portal nodes on one PostgreSQL database both
 * run the Duo log import. The lease decides which node's scheduler runs it, the cursor row which node
 * may ask Duo this minute, and the txid key that no entry is written twice — even when a node reads a
 * window another node already imported (it died before saving its progress), and when both write the
 * same entries at the same moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepos } from '../../src/server/db/repos/index.ts';
import { startScheduler } from '../../src/server/jobs/scheduler.ts';
import { adminCalls, useAdminApi } from '../helpers/duo-admin.ts';
import { beginDuoSignIn, type DuoSignIn, mfaUsers, startDuoSignIn } from '../helpers/duo-sign-in.ts';
import { auditRows } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { startTestPortal, type TestPortal } from '../helpers/portal.ts';

const MINUTE = 60_000;

// PostgreSQL only: SQLite is a single-node database.
describe('the Duo log import on two nodes sharing one PostgreSQL database', () => {
  let duo: DuoSignIn;
  let nodeA: TestPortal;
  let nodeB: TestPortal;
  const newUser = mfaUsers('twin', () => ({ portal: nodeA, providerId: duo.providerId }));
  const denyAtDuo = async () => {
    const { username } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0130' });
    const url = await beginDuoSignIn(createClient(nodeA.fastify), username);
    expect((await duo.env.emulator.completeAuthorization(url, 'deny')).kind).toBe('denied');
    return username;
  };
  const logRequests = () => adminCalls(duo).filter((call) => call.path === '/admin/v2/logs/authentication').length;
  const deniedRows = () => auditRows(nodeA, 'duo.authentication_denied');
  const both = <T>(run: (node: TestPortal) => Promise<T>) => Promise.all([run(nodeA), run(nodeB)]);

  beforeAll(async () => {
    duo = await startDuoSignIn('postgres');
    nodeA = duo.portal;
    nodeB = await startTestPortal('postgres', {
      databaseUrl: nodeA.databaseUrl,
      dataDir: nodeA.dataDir,
      clock: nodeA.clock,
      env: { PORTCULLIS_DUO_CA_FILE: duo.env.emulator.caFile, PORTCULLIS_DUO_TIMEOUT_MS: '1500' },
    });
    await useAdminApi(duo);
    await both((node) => node.services.duoAuthLog.runOnce()); // the first window: nothing yet
  });
  afterAll(async () => {
    await nodeB?.close();
    await duo?.close();
  });

  it('both schedulers tick at once: one node holds the lease and runs the job, the other skips it', async () => {
    let runs = 0;
    const job = (node: TestPortal) =>
      startScheduler(
        {
          storage: node.services.storage,
          clock: node.clock,
          onError: (_job, error) => {
            throw error;
          },
        },
        [
          {
            name: 'duo-auth-log-test',
            everyMs: 3_600_000,
            leaseMs: 5 * MINUTE,
            run: async () => {
              runs += 1;
              await new Promise((resolve) => setTimeout(resolve, 200)); // long enough for the other to try meanwhile
            },
          },
        ],
      );
    const [a, b] = [job(nodeA), job(nodeB)];
    try {
      for (let round = 1; round <= 3; round += 1) {
        await Promise.all([a.tickAll(), b.tickAll()]);
        expect(runs).toBe(round);
      }
      // A node that died holding the lease: once it expires, the other takes over.
      await createRepos(nodeA.services.storage.db).jobLeases.acquire(
        'duo-auth-log-test',
        'a-dead-node',
        nodeA.clock(),
        MINUTE,
      );
      await b.tickAll();
      expect(runs).toBe(3);
      nodeA.clock.advance(MINUTE + 1);
      await b.tickAll();
      expect(runs).toBe(4);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('both nodes pull at once: Duo is asked once, every denial is written once', async () => {
    const users = [await denyAtDuo(), await denyAtDuo(), await denyAtDuo()];
    nodeA.clock.advance(2 * MINUTE + 1_000);
    const before = (await deniedRows()).length;
    const requests = logRequests();
    const [fromA, fromB] = await both((node) => node.services.duoAuthLog.runOnce());
    expect([fromA?.[0]?.status, fromB?.[0]?.status].sort()).toEqual(['imported', 'waiting']);
    expect(logRequests()).toBe(requests + 1);
    const rows = (await deniedRows()).slice(before);
    expect(rows.map((row) => row.target_label).sort()).toEqual(users.sort());
  });

  it('a node that re-reads a window another node imported (its progress was lost) writes nothing twice', async () => {
    const user = await denyAtDuo();
    nodeA.clock.advance(2 * MINUTE + 1_000);
    const db = nodeA.services.storage.db;
    const saved = await db.selectFrom('duo_auth_log_cursors').selectAll().executeTakeFirstOrThrow();
    const before = (await deniedRows()).length;
    expect((await nodeA.services.duoAuthLog.runOnce())[0]?.imported).toBe(1);
    // Node A "crashed" before saving its progress: the cursor is as it was; a minute later node B reads it again.
    await db
      .updateTable('duo_auth_log_cursors')
      .set({ mintime_ms: saved.mintime_ms, maxtime_ms: saved.maxtime_ms, next_offset: saved.next_offset })
      .execute();
    nodeA.clock.advance(MINUTE + 1_000);
    expect((await nodeB.services.duoAuthLog.runOnce())[0]).toMatchObject({ status: 'imported', imported: 0 });
    const rows = (await deniedRows()).slice(before);
    expect(rows.map((row) => row.target_label)).toEqual([user]);
  });

  it('two nodes writing the same entries at the same moment: each txid is taken by exactly one', async () => {
    const txids = Array.from({ length: 40 }, (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
    const claimAll = (node: TestPortal) =>
      Promise.all(
        txids.map((txid) =>
          node.services.storage.db.transaction().execute(async (trx) => {
            const repos = createRepos(trx);
            const won = await repos.duoAuthLog.claim({
              txid,
              providerId: duo.providerId,
              occurredAt: node.clock(),
              result: 'denied',
              reason: 'user_mistake',
              userId: null,
              importedAt: node.clock(),
            });
            if (won)
              await repos.audit.record(
                {
                  type: 'duo.authentication_denied',
                  outcome: 'failure',
                  reason: 'user_mistake',
                  details: {
                    provider: 'Duo Security',
                    txid,
                    duoUser: 'nobody',
                    result: 'denied',
                    factor: 'duo_push',
                    application: 'Portcullis',
                    duoTime: new Date(node.clock()).toISOString(),
                  },
                },
                { actor: null, ip: null, userAgent: 'Duo authentication log', requestId: null },
                node.clock(),
              );
            return won;
          }),
        ),
      );
    const [wonByA, wonByB] = await both(claimAll);
    expect(txids.map((_, n) => Number(wonByA?.[n]) + Number(wonByB?.[n]))).toEqual(txids.map(() => 1));
    const written = (await deniedRows()).filter((row) => txids.includes(JSON.parse(row.details ?? '{}').txid));
    expect(written).toHaveLength(txids.length);
  });
});
