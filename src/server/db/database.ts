import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type LogEvent, PostgresDialect, type SqliteDatabase, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  engine: Engine;
  /** A cheap round trip, for /readyz and doctor. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// int8 (bigint) columns hold our millisecond timestamps; they fit in a double, so read them as numbers.
pg.types.setTypeParser(20, (value) => Number(value));

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every statement anew; preparing was ~14% of the CPU of a session
 * check (bench/README.md). Our SQL strings are few and stable (values are parameters), so prepared
 * statements are kept and reused. Kysely runs one statement at a time per connection, so a statement
 * is never used by two queries at once.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}

export function engineOf(url: string): Engine {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

export function sqliteFile(url: string): string {
  return url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
}

export interface StorageOptions {
  /** Sees every SQL statement (benchmarks count writes per sign-in with it). */
  onQuery?: (sql: string) => void;
}

export function openStorage(url: string, options: StorageOptions = {}): Storage {
  const log = options.onQuery ? (event: LogEvent) => options.onQuery?.(event.query.sql) : undefined;
  if (engineOf(url) === 'sqlite') {
    const file = sqliteFile(url);
    const fresh = file !== ':memory:' && !existsSync(file);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const database = new SQLite(file);
    // The database holds password hashes and sealed secrets: readable by its owner only. SQLite gives
    // its -wal and -shm files the same mode.
    if (fresh) chmodSync(file, 0o600);
    // WAL lets readers proceed during a write; busy_timeout turns short lock waits into waits, not errors.
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    database.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
      ...(log && { log }),
    });
    return {
      db,
      engine: 'sqlite',
      ping: async () => {
        database.prepare('select 1').get();
      },
      close: () => db.destroy(),
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client losing its server must not crash the process; the next query reports the error.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log && { log }) });
  return {
    db,
    engine: 'postgres',
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => db.destroy(),
  };
}
