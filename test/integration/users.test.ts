/**
 * Settings > Users through the admin API, on both engines: the changes that need a recent sign-in
 * (issue 12.7), one email address per account (issue 13.4), and the report's sort, MFA-state filter
 * and audited CSV export (issue 13.10).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, STRONG_PASSWORD, seedFactor, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };
type UserRow = { id: number; username: string; email: string; role: string; mfaSkip: boolean };
type ListBody = { items: UserRow[]; total: number };

const STALE_MS = 11 * 60 * 1000; // past PORTCULLIS_SESSION_FRESH_MINUTES (10), well within the idle limit

describe.each(ENGINES)('Settings > Users on %s', (engine) => {
  let portal: TestPortal;
  let fresh: () => Promise<TestClient>;

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'admin', { role: 'administrator' });
    fresh = async () => {
      const client = createClient(portal.fastify);
      expect((await client.signIn('admin', STRONG_PASSWORD)).status).toBe(200);
      return client;
    };
  });
  afterAll(() => portal.close());

  describe('issue 12.7: administrator-making and password resets need a fresh sign-in', () => {
    it('refuses them from a stale session, changing nothing, and allows them after signing in again', async () => {
      const target = await seedUser(portal, 'promotee');
      const stale = await fresh();
      portal.clock.advance(STALE_MS);
      expect((await stale.get('/api/admin/users')).status).toBe(200); // the session itself is alive

      const newAdmin = {
        username: 'second-admin',
        displayName: 'Second',
        email: 'second@example.com',
        role: 'administrator',
        password: STRONG_PASSWORD,
      };
      const refusals = [
        await stale.post('/api/admin/users', newAdmin),
        await stale.patch(`/api/admin/users/${target.id}`, { role: 'administrator' }),
        await stale.post(`/api/admin/users/${target.id}/password`, { password: 'an-admin-chosen-passphrase' }),
      ];
      for (const refused of refusals) {
        expect(refused.status).toBe(403);
        expect(refused.json<ErrorBody>().error.code).toBe('REAUTH_REQUIRED');
      }
      const list = (await stale.get('/api/admin/users')).json<ListBody>();
      expect(list.items.map((user) => user.username)).not.toContain('second-admin');
      expect(list.items.find((user) => user.id === target.id)?.role).toBe('user');
      expect(await auditRows(portal, 'user.password_reset')).toHaveLength(0);
      // The password did not change: the user still signs in with the old one.
      expect((await createClient(portal.fastify).signIn('promotee', STRONG_PASSWORD)).status).toBe(200);

      // An ordinary account is not a new way into Settings: a stale session may still add one.
      const ordinary = await stale.post('/api/admin/users', {
        ...newAdmin,
        username: 'ordinary',
        email: 'ordinary@example.com',
        role: 'user',
      });
      expect(ordinary.status).toBe(201);

      const again = await fresh();
      expect((await again.post('/api/admin/users', newAdmin)).status).toBe(201);
      expect((await again.patch(`/api/admin/users/${target.id}`, { role: 'administrator' })).status).toBe(200);
      expect(
        (await again.post(`/api/admin/users/${target.id}/password`, { password: 'an-admin-chosen-passphrase' })).status,
      ).toBe(204);
      // Demoting is a role change too.
      portal.clock.advance(STALE_MS);
      const demote = await again.patch(`/api/admin/users/${target.id}`, { role: 'user' });
      expect(demote.json<ErrorBody>().error.code).toBe('REAUTH_REQUIRED');
    });
  });

  describe('issue 13.4: two accounts never share an email address', () => {
    it('refuses a duplicate on create, whatever its case, naming the existing account', async () => {
      await seedUser(portal, 'dora', { email: 'dora@example.com' });
      const admin = await fresh();
      const refused = await admin.post('/api/admin/users', {
        username: 'dora2',
        displayName: 'Another Dora',
        email: 'DORA@Example.COM',
        role: 'user',
        password: STRONG_PASSWORD,
      });
      expect(refused.status).toBe(409);
      const error = refused.json<ErrorBody>().error;
      expect(error.code).toBe('EMAIL_TAKEN');
      expect(error.fields?.email).toBe('dora@example.com is already the email address of "dora". Use another one.');
      expect((await admin.get('/api/admin/users?q=dora2')).json<ListBody>().total).toBe(0);
    });

    it('refuses changing an email to another account’s, and keeps the old one', async () => {
      await seedUser(portal, 'emil', { email: 'emil@example.com' });
      const frida = await seedUser(portal, 'frida', { email: 'frida@example.com' });
      const admin = await fresh();
      const refused = await admin.patch(`/api/admin/users/${frida.id}`, { email: 'Emil@example.com' });
      expect(refused.status).toBe(409);
      expect(refused.json<ErrorBody>().error.fields?.email).toMatch(/"emil"/);
      expect((await admin.get(`/api/admin/users/${frida.id}`)).json<UserRow>().email).toBe('frida@example.com');
      // Its own address (re-saved, or in another case) is not a duplicate of itself.
      expect((await admin.patch(`/api/admin/users/${frida.id}`, { email: 'FRIDA@example.com' })).status).toBe(200);
      expect((await admin.patch(`/api/admin/users/${frida.id}`, { email: 'frida.new@example.com' })).status).toBe(200);
    });
  });

  describe('issue 13.10: the Users report sorts, filters by MFA state and exports, audited', () => {
    let admin: TestClient;
    const names = (body: ListBody) => body.items.map((user) => user.username);

    beforeAll(async () => {
      const db = portal.services.storage.db;
      const provider = await db
        .insertInto('mfa_providers')
        .values({
          name: 'Report Duo',
          name_key: 'report duo',
          type: 'duo',
          enabled: 1,
          config: '{}',
          secrets: '{}',
          created_at: portal.clock(),
          updated_at: portal.clock(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const enrolled = await seedUser(portal, 'rep-enrolled');
      const skipping = await seedUser(portal, 'rep-skipping');
      const both = await seedUser(portal, 'rep-both');
      await seedUser(portal, 'rep-none');
      for (const user of [enrolled, both]) await seedFactor(portal, user.id, Number(provider.id));
      await db.updateTable('users').set({ mfa_skip: 1 }).where('id', 'in', [skipping.id, both.id]).execute();
      admin = await fresh();
    });

    it('filters by today’s MFA state: configured, not configured, skips MFA (skip wins)', async () => {
      const list = async (mfa: string) =>
        names((await admin.get(`/api/admin/users?q=rep-&mfa=${mfa}`)).json<ListBody>());
      expect(await list('configured')).toEqual(['rep-enrolled']);
      expect(await list('not_configured')).toEqual(['rep-none']);
      expect(await list('skip')).toEqual(['rep-both', 'rep-skipping']);
      const bad = await admin.get('/api/admin/users?mfa=maybe');
      expect(bad.status).toBe(400);
      expect(bad.json<ErrorBody>().error.fields?.mfa).toBe('mfa must be configured, not_configured or skip.');
    });

    it('sorts by every column both ways, the same on both engines', async () => {
      await portal.services.storage.db
        .updateTable('users')
        .set({ last_login_at: portal.clock() })
        .where('username', '=', 'rep-none')
        .execute();
      const sorted = async (sort: string, order: string) =>
        names((await admin.get(`/api/admin/users?q=rep-&sort=${sort}&order=${order}`)).json<ListBody>());
      expect(await sorted('username', 'asc')).toEqual(['rep-both', 'rep-enrolled', 'rep-none', 'rep-skipping']);
      expect(await sorted('username', 'desc')).toEqual(['rep-skipping', 'rep-none', 'rep-enrolled', 'rep-both']);
      // Never signed in counts as the oldest sign-in; ties fall back to the username.
      expect(await sorted('lastLogin', 'desc')).toEqual(['rep-none', 'rep-skipping', 'rep-enrolled', 'rep-both']);
      expect((await sorted('lastLogin', 'asc')).at(-1)).toBe('rep-none');
      for (const sort of ['displayName', 'email', 'role', 'status', 'created']) {
        expect((await admin.get(`/api/admin/users?sort=${sort}&order=desc`)).status, sort).toBe(200);
      }
      expect((await admin.get('/api/admin/users?sort=password')).status).toBe(400);
    });

    it('exports what the page shows as CSV, records the export, and never a password hash', async () => {
      const before = (await auditRows(portal, 'users.exported')).length;
      const exported = await admin.get('/api/admin/users/export.csv?q=rep-&mfa=skip&sort=username&order=desc');
      expect(exported.status).toBe(200);
      expect(exported.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(String(exported.headers['content-disposition'])).toMatch(/^attachment; filename="portcullis-users-/);
      const lines = exported.body.trim().split('\r\n');
      expect(lines[0]).toBe('"ID","Username","Display name","Email","Role","Status","MFA","Created","Last sign-in"');
      // Every field quoted (issue 12, finding 6: CSV cells are never read as formulas).
      expect(lines.slice(1).map((line) => line.split(',')[1])).toEqual(['"rep-skipping"', '"rep-both"']);
      expect(lines[1]).toMatch(/,"Skips MFA","\d{4}-\d\d-\d\dT/);
      expect(exported.body).not.toMatch(/argon2|\$argon/);
      const audits = await auditRows(portal, 'users.exported');
      expect(audits).toHaveLength(before + 1);
      expect(audits.at(-1)).toMatchObject({ actor_username: 'admin', outcome: 'success' });
      expect(JSON.parse(audits.at(-1)?.details ?? '{}')).toEqual({
        rows: 2,
        filters: { q: 'rep-', mfa: 'skip', sort: 'username', order: 'desc' },
      });
    });

    it('issue 13.10: the providers CSV export is audited too', async () => {
      const exported = await admin.get('/api/admin/mfa/providers/export.csv?enabled=true');
      expect(exported.status).toBe(200);
      const audit = (await auditRows(portal, 'mfa_providers.exported')).at(-1);
      expect(audit).toMatchObject({ actor_username: 'admin' });
      expect(JSON.parse(audit?.details ?? '{}')).toMatchObject({ rows: 1, filters: { enabled: 'true' } });
    });
  });
});
