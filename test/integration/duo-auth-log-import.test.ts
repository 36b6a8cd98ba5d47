/**
 * Issue 16 item 4: Duo's authentication log pulled into Portcullis' audit log (ADR 0020). After a denied
 * push Duo keeps the user on its prompt, so the portal never hears of it; the import makes denied,
 * timed-out and fraud-reported sign-ins audit events, each once, after Duo's two-minute delay, at most
 * one request a minute, for the provider's own Duo application only, and only with the Admin API.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDuoAuthLogImport } from '../../src/server/mfa/providers/duo/auth-log-import.ts';
import { adminCalls, useAdminApi } from '../helpers/duo-admin.ts';
import {
  addProvider,
  beginDuoSignIn,
  type DuoSignIn,
  freshAdmin,
  mfaUsers,
  startDuoSignIn,
} from '../helpers/duo-sign-in.ts';
import { auditRows } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

const MINUTE = 60_000;

describe.each(ENGINES)("Duo's authentication log into the audit log on %s", (engine) => {
  let duo: DuoSignIn;
  let otherProvider: number;
  const newUser = mfaUsers('log', () => duo);

  /** A user meets Duo's prompt and does `outcome` there (the emulator logs it as Duo would). */
  const atPrompt = async (outcome: 'approve' | 'deny' | 'timeout' | 'fraud', providerId?: number) => {
    const { username } = await newUser(providerId);
    duo.env.emulator.setUser(username, { phone: '+1 555-0120' });
    const url = await beginDuoSignIn(createClient(duo.portal.fastify), username);
    const answer = await duo.env.emulator.completeAuthorization(url, outcome);
    expect(answer.kind).toBe(outcome === 'approve' ? 'redirect' : 'denied');
    return username;
  };
  const pull = () => duo.portal.services.duoAuthLog.runOnce();
  const logRequests = () => adminCalls(duo).filter((call) => call.path === '/admin/v2/logs/authentication');
  const imported = async () =>
    [
      ...(await auditRows(duo.portal, 'duo.authentication_denied')),
      ...(await auditRows(duo.portal, 'duo.fraud_reported')),
    ].sort((a, b) => Number(a.id) - Number(b.id));
  /** Denied before the Admin API was set up: the first import reaches a day back. */
  let earlier = '';

  beforeAll(async () => {
    duo = await startDuoSignIn(engine);
    otherProvider = await addProvider(duo, 'Another Duo application', {});
  });
  afterAll(() => duo.close());
  beforeEach(() => duo.env.emulator.setFaults([]));

  it('does nothing while no provider uses the Admin API', async () => {
    earlier = await atPrompt('deny');
    duo.env.emulator.clearRequests();
    expect(await pull()).toEqual([]);
    expect(adminCalls(duo)).toEqual([]);
  });

  it('imports denied, timed-out and fraud-reported sign-ins once, after Duo’s delay, one request a minute', async () => {
    await useAdminApi(duo);
    const before = (await imported()).length;
    const denied = await atPrompt('deny');
    const timedOut = await atPrompt('timeout');
    const fraud = await atPrompt('fraud');
    await atPrompt('approve');
    await atPrompt('deny', otherProvider); // another Duo application of the account: not this provider's business
    const happenedAt = duo.portal.clock();
    duo.env.emulator.clearRequests();

    // Duo shows an authentication in its log two minutes later: nothing yet.
    expect(await pull()).toEqual([expect.objectContaining({ status: 'imported', imported: 0 })]);
    const [window] = logRequests();
    expect(Number(window?.query.maxtime)).toBe(duo.portal.clock() - 2 * MINUTE);
    // A second pull within the minute does not ask Duo at all.
    expect(await pull()).toEqual([
      expect.objectContaining({ status: 'waiting', nextRequestAt: duo.portal.clock() + MINUTE }),
    ]);
    expect(logRequests()).toHaveLength(1);

    duo.portal.clock.advance(MINUTE + 1_000);
    expect((await pull())[0]?.imported).toBe(0);
    duo.portal.clock.advance(MINUTE + 1_000);
    expect((await pull())[0]).toMatchObject({ status: 'imported', imported: 4, readUpTo: expect.any(Number) });
    expect(logRequests()).toHaveLength(3);

    const rows = (await imported()).slice(before);
    const byUser = Object.fromEntries(rows.map((row) => [row.target_label, row]));
    const duoEntry = (name: string) => duo.env.emulator.authLog.find((entry) => entry.user.name === name);
    expect(Object.keys(byUser).sort()).toEqual([earlier, denied, fraud, timedOut].sort());
    expect(byUser[denied]).toMatchObject({
      type: 'duo.authentication_denied',
      outcome: 'failure',
      reason: 'user_mistake',
      target_type: 'user',
      ip: '127.0.0.1',
      user_agent: 'Duo authentication log',
      occurred_at: Math.floor(happenedAt / 1000) * 1000,
    });
    expect(JSON.parse(byUser[denied]?.details ?? '{}')).toEqual({
      provider: 'Duo Security',
      txid: duoEntry(denied)?.txid,
      duoUser: denied,
      result: 'denied',
      factor: 'duo_push',
      application: 'Portcullis',
      duoTime: new Date(Math.floor(happenedAt / 1000) * 1000).toISOString(),
    });
    expect(byUser[timedOut]).toMatchObject({ type: 'duo.authentication_denied', reason: 'no_response' });
    expect(byUser[fraud]).toMatchObject({ type: 'duo.fraud_reported', reason: 'user_marked_fraud' });

    // The next window overlaps the last one by a minute: the same entries are read again, and written once.
    duo.portal.clock.advance(MINUTE + 1_000);
    expect((await pull())[0]?.imported).toBe(0);
    expect((await imported()).length).toBe(before + 4);
  });

  it('the Attention card counts the pushes users denied or reported as fraud in the last 24 hours', async () => {
    const admin = await freshAdmin(duo.portal);
    const attention = (await admin.get('/api/admin/attention')).json<{ duoDenied: number }>();
    // Of the four imported above, the timed-out push is not a refusal by the user.
    expect(attention.duoDenied).toBe(3);
    duo.portal.clock.advance(24 * 60 * MINUTE);
    expect((await (await freshAdmin(duo.portal)).get('/api/admin/attention')).json()).toMatchObject({ duoDenied: 0 });
  });

  it('pages through a window with Duo’s next_offset, one page per minute, without gaps or doubles', async () => {
    const paged = createDuoAuthLogImport({
      storage: duo.portal.services.storage,
      secretBox: duo.portal.services.secretBox,
      runtime: duo.portal.services.providerRuntime,
      allowCustomHosts: true,
      clock: duo.portal.clock,
      pageSize: 2,
    });
    duo.portal.clock.advance(MINUTE + 1_000);
    await paged.runOnce(); // catch up to now with small pages first
    const before = (await imported()).length;
    const users = [];
    for (let n = 0; n < 5; n += 1) users.push(await atPrompt('deny'));
    duo.portal.clock.advance(2 * MINUTE + 1_000);
    const seen: number[] = [];
    for (let round = 0; round < 8; round += 1) {
      const [report] = await paged.runOnce();
      seen.push(report?.imported ?? -1);
      duo.portal.clock.advance(MINUTE + 1_000);
    }
    expect(seen.reduce((sum, n) => sum + n, 0)).toBe(5);
    const rows = (await imported()).slice(before);
    expect(rows.map((row) => row.target_label).sort()).toEqual(users.sort());
    const offsets = logRequests().filter((call) => call.query.next_offset !== undefined);
    expect(offsets.length).toBeGreaterThan(0);
  });

  it('an Admin API outage is kept on the cursor and retried a minute later; nothing is lost', async () => {
    duo.portal.clock.advance(MINUTE + 1_000);
    await pull();
    const before = (await imported()).length;
    const user = await atPrompt('deny');
    duo.portal.clock.advance(2 * MINUTE + 1_000);
    duo.env.emulator.setFaults([{ endpoint: 'admin', kind: 'connection_reset' }]);
    const [failed] = await pull();
    expect(failed).toMatchObject({ status: 'failed', message: expect.stringMatching(/could not/i) });
    const cursor = await duo.portal.services.storage.db
      .selectFrom('duo_auth_log_cursors')
      .selectAll()
      .where('provider_id', '=', duo.providerId)
      .executeTakeFirstOrThrow();
    expect(cursor.last_error).toBe(failed?.message);
    duo.env.emulator.setFaults([]);
    duo.portal.clock.advance(MINUTE + 1_000);
    expect((await pull())[0]).toMatchObject({ status: 'imported', imported: 1 });
    expect((await imported()).slice(before).map((row) => row.target_label)).toEqual([user]);
  });
});
