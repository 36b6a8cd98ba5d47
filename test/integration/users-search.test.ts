/**
 * Users search from an index on both engines (FTS5 trigram on SQLite, pg_trgm on PostgreSQL; prefix
 * B-trees for 1–2 characters): the same answers as a substring match over username, display name and
 * email, kept up to date as people are created and changed. Timings at 100 k users: bench/.
 */
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, SYSTEM_CONTEXT, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

type UserList = { items: Array<{ username: string }>; total: number };

describe.each(ENGINES)('users search on %s', (engine) => {
  let portal: TestPortal;
  let admin: TestClient;
  const search = async (q: string) => {
    const response = await admin.get(`/api/admin/users?q=${encodeURIComponent(q)}&pageSize=100`);
    expect(response.status, response.body).toBe(200);
    const list = response.json<UserList>();
    return { names: list.items.map((user) => user.username), total: list.total };
  };

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'admin', { role: 'administrator' });
    admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    const people: Array<[string, string, string]> = [
      ['grace.hopper', 'Grace Hopper', 'grace@navy.example'],
      ['alan', 'Alan Turing', 'alan.turing@bletchley.example'],
      ['ada', 'Ada Lovelace', 'countess@analytical.example'],
      ['zoe', 'Zoë Ångström', 'zoe@nordic.example'],
      ['quote', 'Say "Hi"', 'quote@example.com'],
    ];
    for (const [username, displayName, email] of people) {
      await portal.services.accounts.createUser(
        { username, displayName, email, role: 'user', password: STRONG_PASSWORD },
        SYSTEM_CONTEXT,
        'cli',
      );
    }
  });
  afterAll(() => portal.close());

  it('finds a substring of the username, the display name or the email, whatever its case', async () => {
    expect((await search('HOPP')).names).toEqual(['grace.hopper']);
    expect((await search('turing')).names).toEqual(['alan']);
    expect((await search('ovela')).names).toEqual(['ada']);
    expect((await search('analytical.EX')).names).toEqual(['ada']);
    expect((await search('example')).total).toBe(6);
    // Letters beyond ASCII fold as the engine folds them: SQLite's trigram tokenizer folds Unicode;
    // PostgreSQL's lower() follows the database collation (the test server's C collation folds ASCII only).
    if (engine === 'sqlite') expect((await search('ångs')).names).toEqual(['zoe']);
    expect((await search('zoë')).names).toEqual(['zoe']);
    expect((await search('no-such-person')).names).toEqual([]);
  });

  it('matches the start of a field for one or two characters', async () => {
    expect((await search('a')).names).toEqual(['ada', 'admin', 'alan']);
    expect((await search('gr')).names).toEqual(['grace.hopper']);
    expect((await search('co')).names).toEqual(['ada']); // countess@...
    expect((await search('tu')).names).toEqual([]); // "Turing" is not at the start of a field
  });

  it('takes quotes, % and _ as the characters they are', async () => {
    expect((await search('"hi"')).names).toEqual(['quote']);
    expect((await search('y "h')).names).toEqual(['quote']);
    expect((await search('%')).names).toEqual([]);
    expect((await search('a_a')).names).toEqual([]);
  });

  it('follows changes of display name and email', async () => {
    const [ada] = (await search('ada')).names;
    expect(ada).toBe('ada');
    const id = (
      await portal.services.storage.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'ada')
        .executeTakeFirstOrThrow()
    ).id;
    await admin.patch(`/api/admin/users/${id}`, { displayName: 'Augusta King', email: 'augusta@example.org' });
    expect((await search('lovelace')).names).toEqual([]);
    expect((await search('augusta k')).names).toEqual(['ada']);
    expect((await search('au')).names).toEqual(['ada']);
    await seedUser(portal, 'newcomer', { email: 'fresh@welcome.example' });
    expect((await search('welcome')).names).toEqual(['newcomer']);
  });

  it('refuses control characters with a 400', async () => {
    const response = await admin.get(`/api/admin/users?q=${encodeURIComponent('a\nb')}`);
    expect(response.status).toBe(400);
    expect(response.json<{ error: { fields: Record<string, string> } }>().error.fields.q).toBe(
      'Search cannot contain control characters.',
    );
  });

  it('is answered from the search index, not a scan of every user', async () => {
    const db = portal.services.storage.db;
    const { userSearchCondition } = await import('../../src/server/db/repos/user-search.ts');
    for (const text of ['hopper', 'gr']) {
      const query = db.selectFrom('users').select('id').where(userSearchCondition(db, text)).compile();
      if (engine === 'sqlite') {
        const plan = await db.executeQuery<{ detail: string }>(
          CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
        );
        const steps = plan.rows.map((row) => row.detail).join('\n');
        expect(steps, text).not.toMatch(/^SCAN users$/m);
        expect(steps, text).toMatch(text.length >= 3 ? /VIRTUAL TABLE INDEX/ : /MULTI-INDEX OR/);
      } else {
        const plan = await db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(
            CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]),
          );
          return result.rows.map((row) => row['QUERY PLAN']).join('\n');
        });
        expect(plan, text).not.toContain('Seq Scan');
        expect(plan, text).toContain(text.length >= 3 ? 'users_search_trgm' : 'users_username_prefix');
      }
    }
  });
});
