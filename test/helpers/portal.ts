import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { inject } from 'vitest';
import { type App, createApp } from '../../src/server/app.ts';
import { openPortal, type Portal } from '../../src/server/bootstrap.ts';
import { type Config, loadConfig } from '../../src/server/config/config.ts';
import { randomToken } from '../../src/server/crypto/tokens.ts';
import type { Engine } from '../../src/server/db/database.ts';

export const ENGINES: Engine[] = ['sqlite', 'postgres'];

/** A settable clock, so tests can move time (idle and absolute limits, lock-outs) without waiting. */
export function testClock(start = Date.UTC(2026, 10, 27, 9, 0, 0)) {
  let now = start;
  const clock = () => now;
  return Object.assign(clock, {
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  });
}
export type TestClock = ReturnType<typeof testClock>;

/** A fresh, empty database on the chosen engine: a temp SQLite file, or a new database on the test PostgreSQL server. */
export async function createTestDatabase(engine: Engine, dir: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (engine === 'sqlite') return { url: `sqlite:${join(dir, 'portcullis.db')}`, drop: async () => {} };
  const serverUrl = inject('pgUrl');
  const name = `portcullis_test_${randomToken(9)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export interface TestPortal extends App {
  config: Config;
  portal: Portal;
  clock: TestClock;
  dataDir: string;
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * The real app on a real database (SQLite or PostgreSQL), configured through the same loadConfig as
 * production, with a controllable clock. Nothing is mocked.
 */
export async function startTestPortal(
  engine: Engine,
  options: {
    env?: Record<string, string>;
    clock?: TestClock;
    databaseUrl?: string;
    dataDir?: string;
    logger?: Logger;
  } = {},
): Promise<TestPortal> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'portcullis-test-'));
  const database = options.databaseUrl
    ? { url: options.databaseUrl, drop: async () => {} }
    : await createTestDatabase(engine, dataDir);
  const clock = options.clock ?? testClock();
  const config = loadConfig({
    PORTCULLIS_ENV: 'test',
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_DATABASE_URL: database.url,
    PORTCULLIS_LOG_LEVEL: 'silent',
    PORTCULLIS_PORT: '0',
    ...options.env,
  });
  const portal = await openPortal(config, { clock });
  const app = await createApp(config, { ...portal.deps, clock, ...(options.logger && { logger: options.logger }) });
  await app.fastify.ready();
  return {
    ...app,
    config,
    portal,
    clock,
    dataDir,
    databaseUrl: database.url,
    async close() {
      await app.fastify.close();
      await portal.close();
      await database.drop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Listens on a free loopback port over real HTTP(S), for browser tests and two-node tests. */
export async function listen(portal: TestPortal): Promise<string> {
  await portal.fastify.listen({ host: '127.0.0.1', port: 0 });
  const address = portal.fastify.server.address();
  if (!address || typeof address !== 'object') throw new Error('not listening');
  return `${portal.config.tls ? 'https' : 'http'}://localhost:${address.port}`;
}
