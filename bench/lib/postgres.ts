import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onCleanup } from './cleanup.ts';
import { cpuSeconds } from './proc.ts';

/** The PostgreSQL server to use: PORTCULLIS_TEST_PG_URL, else the local default, if it answers. */
export async function findPostgres(): Promise<{ url: string } | { url: null; reason: string }> {
  const url = process.env.PORTCULLIS_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { url };
  } catch (error) {
    return { url: null, reason: `${redact(url)}: ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => {});
  }
}

export function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}

async function withClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new, empty database on the server, dropped (with force) at cleanup. */
export async function createDatabase(serverUrl: string, label: string): Promise<BenchDatabase> {
  const name = `portcullis_bench_${label}_${randomBytes(5).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`create database ${name}`));
  const drop = onCleanup(`drop database ${name}`, () =>
    withClient(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  );
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.href, name, drop };
}

/**
 * CPU of the PostgreSQL backends serving one database (same machine only: read from /proc). Kept
 * apart from the portal's CPU, so SQLite (in-process) and PostgreSQL (out of process) compare fairly.
 */
export async function openBackendMeter(serverUrl: string, database: string) {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  const close = onCleanup('close PostgreSQL meter', () => client.end());
  return {
    /** Sum of utime+stime of the database's backends now, in seconds; null if /proc cannot see them. */
    async cpuSeconds(): Promise<number | null> {
      const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [
        database,
      ]);
      let total = 0;
      for (const { pid } of rows) {
        try {
          total += cpuSeconds(pid);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // ended since the query
          return null; // another host, or not allowed to read the process
        }
      }
      return total;
    },
    close,
  };
}
export type BackendMeter = Awaited<ReturnType<typeof openBackendMeter>>;
