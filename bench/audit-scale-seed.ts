/**
 * The benchmark's fast path for data: rows generated here (a fixed seed, so both engines get the same
 * log) and written straight into the product's own tables of a migrated database, in large batches,
 * with the database's own triggers (outbox, users search index) running as they would. It bypasses
 * only the HTTP layer and the password hashing (every seeded user shares one precomputed hash):
 * signing in a million times would take days and measure something else.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';

const DAY = 86_400_000;
// Names built from syllables: 208 first names and 260 surnames, so a surname is shared by about 0.4 %
// of the users (a real directory's spread; 20 × 20 names would make every search match 5 %).
const ONSETS = [
  'al',
  'an',
  'ber',
  'cor',
  'da',
  'el',
  'fa',
  'gi',
  'ha',
  'is',
  'jo',
  'ka',
  'li',
  'ma',
  'ne',
  'or',
  'pe',
  'ra',
  'sa',
  'ti',
  'ul',
  'va',
  'wi',
  'xa',
  'yo',
  'za',
];
const FIRST = ONSETS.flatMap((onset) =>
  ['na', 'ra', 'el', 'an', 'o', 'ie', 'us', 'ine'].map((end) => `${onset}${end}`),
);
const LAST = ONSETS.flatMap((onset) =>
  ['berg', 'ton', 'son', 'ley', 'man', 'field', 'wood', 'ford', 'stein', 'ridge'].map((end) => `${onset}${end}`),
);
const DOMAINS = ['example.com', 'corp.example', 'staff.example.org', 'mail.example.net'];

/** Event types with their share of the log and outcome, roughly what a busy sign-in portal records. */
const MIX: Array<[type: string, share: number, outcome: 'success' | 'failure', byAdmin: boolean]> = [
  ['login.succeeded', 0.55, 'success', false],
  ['login.failed', 0.15, 'failure', false],
  ['login.mfa_started', 0.12, 'success', false],
  ['session.signed_out', 0.08, 'success', false],
  ['login.mfa_failed', 0.03, 'failure', false],
  ['login.throttled', 0.02, 'failure', false],
  ['user.updated', 0.02, 'success', true],
  ['user.password_changed', 0.01, 'success', false],
  ['mfa_provider.tested', 0.01, 'success', true],
  ['audit.exported', 0.005, 'success', true],
  ['settings.updated', 0.005, 'success', true],
];

/** mulberry32: small, fast, and the same sequence on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Spread over every first name × surname pair before any repeats. */
function namesOf(index: number): [string, string] {
  return [
    FIRST[index % FIRST.length] ?? 'ada',
    LAST[(index * 7 + Math.floor(index / FIRST.length)) % LAST.length] ?? 'lovelace',
  ];
}

export function usernameOf(index: number): string {
  const [first, last] = namesOf(index);
  return `${first}.${last}${index}`;
}

export function surnameOf(index: number): string {
  return namesOf(index)[1];
}

function userRow(index: number, hash: string, now: number) {
  const [first, last] = namesOf(index);
  const username = usernameOf(index);
  return [
    username,
    `${first[0]?.toUpperCase()}${first.slice(1)} ${last[0]?.toUpperCase()}${last.slice(1)}`,
    `${username}@${DOMAINS[index % DOMAINS.length]}`,
    'user',
    0,
    hash,
    now,
    now,
    now,
  ] as const;
}

const USER_COLUMNS =
  'username, display_name, email, role, disabled, password_hash, password_changed_at, created_at, updated_at';
const EVENT_COLUMNS =
  'occurred_at, type, outcome, actor_id, actor_username, target_type, target_id, target_label, ip, user_agent, reason, request_id, details';

/** The event type whose share of the mix `value` (0–1) falls in. */
function pickType(value: number): (typeof MIX)[number] {
  let rest = value;
  for (const entry of MIX) {
    rest -= entry[1];
    if (rest < 0) return entry;
  }
  return MIX[0] as (typeof MIX)[number];
}

function* eventRows(count: number, users: number, now: number) {
  const next = random(42);
  const start = now - 365 * DAY;
  const step = (365 * DAY) / count;
  for (let index = 0; index < count; index += 1) {
    const [type, , outcome, byAdmin] = pickType(next());
    const user = Math.floor(next() * users);
    const username = usernameOf(user);
    const actor = byAdmin ? 'admin' : outcome === 'failure' ? null : username;
    yield [
      Math.floor(start + index * step + next() * step),
      type,
      outcome,
      actor === null ? null : byAdmin ? 1 : user + 2,
      actor,
      'user',
      String(user + 2),
      username,
      `10.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}`,
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      outcome === 'failure' ? 'wrong_password' : null,
      `bench${index.toString(36)}`,
      type === 'login.succeeded' ? '{"authLevel":"mfa","provider":"Duo Security","factor":"Duo Push"}' : '{}',
    ] as const;
  }
}

export async function seedSqlite(file: string, options: { events: number; users: number; hash: string; now: number }) {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const addUser = db.prepare(`insert into users (${USER_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const addEvent = db.prepare(
    `insert into audit_events (${EVENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let index = 0; index < options.users; index += 1) addUser.run(...userRow(index, options.hash, options.now));
  })();
  let batch: unknown[][] = [];
  const flush = db.transaction((rows: unknown[][]) => {
    for (const row of rows) addEvent.run(...row);
  });
  for (const row of eventRows(options.events, options.users, options.now)) {
    batch.push([...row]);
    if (batch.length === 50_000) {
      flush(batch);
      batch = [];
    }
  }
  flush(batch);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

const EVENT_TYPES = [
  'bigint',
  'text',
  'text',
  'bigint',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
];
const USER_TYPES = ['text', 'text', 'text', 'text', 'integer', 'text', 'bigint', 'bigint', 'bigint'];

/** unnest() of one array per column: 10,000 rows per statement, a few hundred round trips in all. */
async function insertColumns(client: pg.Client, table: string, columns: string, types: string[], rows: unknown[][]) {
  const arrays = types.map((_, column) => rows.map((row) => row[column]));
  const unnest = types.map((type, column) => `$${column + 1}::${type}[]`).join(', ');
  await client.query(`insert into ${table} (${columns}) select * from unnest(${unnest})`, arrays);
}

export async function seedPostgres(url: string, options: { events: number; users: number; hash: string; now: number }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let users: unknown[][] = [];
    for (let index = 0; index < options.users; index += 1) {
      users.push([...userRow(index, options.hash, options.now)]);
      if (users.length === 10_000) {
        await insertColumns(client, 'users', USER_COLUMNS, USER_TYPES, users);
        users = [];
      }
    }
    if (users.length > 0) await insertColumns(client, 'users', USER_COLUMNS, USER_TYPES, users);
    let batch: unknown[][] = [];
    for (const row of eventRows(options.events, options.users, options.now)) {
      batch.push([...row]);
      if (batch.length === 10_000) {
        await insertColumns(client, 'audit_events', EVENT_COLUMNS, EVENT_TYPES, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await insertColumns(client, 'audit_events', EVENT_COLUMNS, EVENT_TYPES, batch);
    // What autovacuum does on its own after a bulk load: statistics, and the visibility map that lets
    // the count read the index alone.
    await client.query('vacuum analyze audit_events');
    await client.query('vacuum analyze users');
  } finally {
    await client.end();
  }
}
