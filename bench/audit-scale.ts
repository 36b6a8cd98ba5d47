/**
 * The audit log at scale: prints figures, never passes or fails on time. See bench/README.md, "Audit at scale".
 *   npm run bench:audit [-- --engine sqlite|postgres|both --events 1000000 --users 100000 --runs 3 --json]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createPasswordHasher } from '../src/server/crypto/passwords.ts';
import { openStorage } from '../src/server/db/database.ts';
import { createBenchClient } from './audit-scale-http.ts';
import {
  type ExportFigures,
  type Latency,
  loopDelay,
  measureExport,
  measurePages,
  measureSearch,
  planOf,
  probeHealthz,
  sampleOf,
  scenarios,
} from './audit-scale-measure.ts';
import { type EngineFigures, render } from './audit-scale-report.ts';
import { seedPostgres, seedSqlite, surnameOf, usernameOf } from './audit-scale-seed.ts';
import { runCli, startNode } from './lib/children.ts';
import { cleanupAll, installSignalHandlers, onCleanup, wasInterrupted } from './lib/cleanup.ts';
import { createDatabase, findPostgres, redact } from './lib/postgres.ts';
import { load, machine } from './lib/proc.ts';

const USAGE = `Usage: npm run bench:audit -- [options]
  --engine <e>     sqlite | postgres | both (default both); PostgreSQL from PORTCULLIS_TEST_PG_URL
                   or postgres://postgres@127.0.0.1:5432/test
  --events <n>     audit events to seed (default 1000000)
  --users <n>      users to seed (default 100000)
  --runs <n>       measured runs; min/median/max across them are printed (default 3)
  --requests <n>   requests per page scenario and run, first and deep pages each (default 40)
  --no-prune       skip the archive-and-prune step (it deletes the oldest tenth of the log)
  --json           print the figures as JSON
`;

const PASSWORD = 'bench-correct-horse-battery-7';
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'both' },
      events: { type: 'string', default: '1000000' },
      users: { type: 'string', default: '100000' },
      runs: { type: 'string', default: '3' },
      requests: { type: 'string', default: '40' },
      'no-prune': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const int = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  if (!['sqlite', 'postgres', 'both'].includes(values.engine))
    throw new Error('--engine must be sqlite, postgres or both');
  return {
    engine: values.engine as 'sqlite' | 'postgres' | 'both',
    events: int('events', values.events, 1000),
    users: int('users', values.users, 100),
    runs: int('runs', values.runs, 1),
    requests: int('requests', values.requests, 5),
    prune: !values['no-prune'],
    json: values.json,
  };
}

/**
 * What people type in a users search: a surname, a first name, the start of a username, part of an
 * email (each matching a few hundred users at most), then separately 3-letter fragments shared by
 * many users (a tenth of them or more), and 1–2 letters.
 */
function searchQueries(users: number, count: number) {
  const names: string[] = [];
  const broad: string[] = [];
  const short: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const user = (index * 7919) % users;
    const username = usernameOf(user);
    const [first = username] = username.split('.');
    names.push(
      [surnameOf(user), first, username.slice(0, first.length + 4), `${username}@`.slice(-9, -1)][index % 4] ??
        username,
    );
    broad.push(['son', 'ton', 'ley', 'man', 'ber', 'exa'][index % 6] ?? 'son');
    short.push(username.slice(0, 1 + (index % 2)));
  }
  return { names, broad, short };
}

async function measureEngine(
  engine: 'sqlite' | 'postgres',
  root: string,
  pgUrl: string | null,
  opts: ReturnType<typeof options>,
) {
  const dataDir = join(root, engine);
  mkdirSync(dataDir, { recursive: true });
  const database = engine === 'postgres' && pgUrl ? await createDatabase(pgUrl, 'audit') : null;
  const databaseUrl = database?.url ?? `sqlite:${join(dataDir, 'portcullis.db')}`;
  const env = {
    PORTCULLIS_ENV: 'test',
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_DATABASE_URL: databaseUrl,
    PORTCULLIS_LOG_LEVEL: 'warn',
    PORTCULLIS_HOST: '127.0.0.1',
    PORTCULLIS_PORT: '0',
  };
  const loadBefore = load();
  say(`${engine}: migrating and adding the administrator with the CLI`);
  await runCli(
    ['user', 'add', '--admin', '--username', 'admin', '--email', 'admin@bench.example'],
    env,
    `${PASSWORD}\n`,
  );
  const hash = await createPasswordHasher({ concurrency: 1 }).hash('a-password-nobody-uses-42');
  say(
    `${engine}: seeding ${opts.events.toLocaleString('en')} events and ${opts.users.toLocaleString('en')} users (fast path)`,
  );
  const seedStarted = performance.now();
  const seed = { events: opts.events, users: opts.users, hash, now: Date.now() };
  if (engine === 'postgres') await seedPostgres(databaseUrl, seed);
  else await seedSqlite(databaseUrl.slice('sqlite:'.length), seed);
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const storage = openStorage(databaseUrl);
  onCleanup(`close ${engine} storage`, () => storage.close());
  const sample = await sampleOf(storage.db, opts.events);
  const list = scenarios(sample);
  const plans = Object.fromEntries(
    await Promise.all(list.map(async (s) => [s.name, await planOf(storage.db, engine, s.filters)])),
  );

  const loopDelayFile = join(dataDir, 'loop-delay.json');
  const portal = await startNode(
    'portal',
    ['--import', pathToFileURL(join(import.meta.dirname, 'lib/loop-delay.mjs')).href, 'bin/portcullis.mjs', 'serve'],
    { ...env, BENCH_LOOP_DELAY_FILE: loopDelayFile },
    /listening on https?:\/\/[^:\s]+:(\d+)/,
  );
  const base = `http://127.0.0.1:${portal.ready[1]}`;
  const client = createBenchClient(base);
  await client.signIn('admin', PASSWORD);
  const queries = searchQueries(opts.users, opts.requests * 2);

  const runs: EngineFigures['runs'] = [];
  for (let run = 1; run <= opts.runs; run += 1) {
    say(`${engine}: run ${run}/${opts.runs}: pages`);
    const pages: Record<string, { first: Latency; deep: Latency | null }> = {};
    for (const scenario of list)
      pages[scenario.name] = await measurePages(client, scenario, sample.deep, opts.requests);
    const exact = await measurePages(
      client,
      { name: 'exact count', query: 'count=exact', filters: {} },
      sample.deep,
      3,
    );
    say(`${engine}: run ${run}/${opts.runs}: users search`);
    const search = {
      names: await measureSearch(client, queries.names),
      broad: await measureSearch(client, queries.broad),
      short: await measureSearch(client, queries.short),
    };
    say(`${engine}: run ${run}/${opts.runs}: exports`);
    const exports: Record<string, ExportFigures> = {};
    for (const format of ['csv', 'jsonl'] as const) {
      exports[format] = await measureExport(
        client,
        base,
        { pid: portal.pid, loopDelayFile },
        `/api/admin/audit/export.${format}`,
      );
    }
    runs.push({ pages, exactCount: exact.first, search, exports, load: load() });
  }

  let prune: EngineFigures['prune'] = null;
  if (opts.prune) {
    // The oldest tenth of a year-long log (older than 328.5 days): archived through the API, pruned
    // with the CLI (what docs/audit.md advises for a large prune on SQLite) while the portal serves.
    const days = 328;
    say(`${engine}: archive (API) and prune (CLI) of the records older than ${days} days`);
    const started = performance.now();
    let bytes = 0;
    const archived = await client.stream(`/api/admin/audit/archive.jsonl?olderThanDays=${days}`, (chunk) => {
      bytes += chunk.length;
    });
    const archiveSeconds = (performance.now() - started) / 1000;
    if (archived.status !== 200) throw new Error(`archive: HTTP ${archived.status}`);
    const [archive] = (
      JSON.parse(client.expectOk('archives', await client.get('/api/admin/audit/archives')).body) as {
        items: Array<{ id: number; records: number }>;
      }
    ).items;
    if (!archive) throw new Error('no archive was recorded');
    await loopDelay(portal.pid, loopDelayFile);
    const stopProbe = probeHealthz(base);
    const pruneStarted = performance.now();
    const output = await runCli(['audit', 'prune', '--archive', String(archive.id)], env);
    const pruneSeconds = (performance.now() - pruneStarted) / 1000;
    const health = await stopProbe();
    const loop = await loopDelay(portal.pid, loopDelayFile);
    prune = {
      records: Number(/pruned (\d+) records/.exec(output)?.[1] ?? 0),
      archiveSeconds,
      archiveMiB: bytes / 2 ** 20,
      pruneSeconds,
      loopBlockMs: loop.max,
      healthzMaxMs: Math.max(...health),
    };
  }

  client.close();
  await portal.stop();
  await storage.close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    engine,
    seedSeconds,
    plans,
    runs,
    prune,
    load: { before: loadBefore, after: load() },
  } satisfies EngineFigures;
}

async function main() {
  const opts = options();
  installSignalHandlers();
  const root = mkdtempSync(join(tmpdir(), 'portcullis-bench-audit-'));
  onCleanup(
    `remove ${root}`,
    () => rmSync(root, { recursive: true, force: true }),
    () => rmSync(root, { recursive: true, force: true }),
  );
  const notes: string[] = [];
  let engines: Array<'sqlite' | 'postgres'> = opts.engine === 'both' ? ['sqlite', 'postgres'] : [opts.engine];
  let pgUrl: string | null = null;
  if (engines.includes('postgres')) {
    const found = await findPostgres();
    if (found.url === null) {
      if (opts.engine === 'postgres') throw new Error(`PostgreSQL is not reachable (${found.reason})`);
      notes.push(`PostgreSQL skipped: not reachable (${found.reason}).`);
      engines = ['sqlite'];
    } else {
      pgUrl = found.url;
      say(`PostgreSQL server: ${redact(pgUrl)}`);
    }
  }
  const start = load();
  const results: EngineFigures[] = [];
  for (const engine of engines) results.push(await measureEngine(engine, root, pgUrl, opts));
  const report = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: machine(),
    method: { events: opts.events, users: opts.users, runs: opts.runs, requests: opts.requests },
    engines: results,
    notes,
    load: { start, end: load() },
  };
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${render(report)}\n`);
}

try {
  await main();
  await cleanupAll();
} catch (error) {
  if (!wasInterrupted()) process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  await cleanupAll();
  process.exitCode = 1;
}
