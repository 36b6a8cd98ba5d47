import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { startDuoEmulator } from '../../emulator/duo/index.ts';
import { createApp } from '../../src/server/app.ts';
import { openPortal } from '../../src/server/bootstrap.ts';
import { loadConfig } from '../../src/server/config/config.ts';
import { onCleanup } from './cleanup.ts';

export interface StatementCounts {
  statements: number;
  reads: number;
  writes: number;
  /** Explicit COMMITs plus writes run outside a transaction (each autocommits). */
  commits: number;
  transactions: number;
  /** The write statements, shortened to verb and table. */
  writeSql: string[];
}

export interface SqlCountResult {
  engine: string;
  /** Fine-grained steps of one complete login with Duo (steady state: the user's second login). */
  steps: Array<{ step: string; request: string } & StatementCounts>;
  total: StatementCounts;
  passwordOnly: StatementCounts;
  /** GET /api/me with a live session (the P9 request). */
  sessionCheck: StatementCounts;
}

const WRITE = /^\s*(insert|update|delete|replace|merge)\b/i;
const CTE_WRITE = /^\s*with\b[\s\S]*\b(insert|update|delete)\b/i;
const BEGIN = /^\s*(begin|start\s+transaction)\b/i;
const COMMIT = /^\s*(commit|end)\b/i;
const ROLLBACK = /^\s*rollback\b(?!\s+to)/i;

const empty = (): StatementCounts => ({
  statements: 0,
  reads: 0,
  writes: 0,
  commits: 0,
  transactions: 0,
  writeSql: [],
});

function shortSql(sql: string): string {
  const match = /^\s*(insert\s+into\s+\S+|update\s+\S+|delete\s+from\s+\S+|replace\s+into\s+\S+|\S+)/i.exec(sql);
  const upsert = /\bon\s+conflict\b/i.test(sql) ? ' … on conflict do update' : '';
  const returning = /\breturning\b/i.test(sql) ? ' … returning' : '';
  return `${(match?.[1] ?? sql).replace(/\s+/g, ' ').replaceAll('"', '')}${upsert}${returning}`;
}

/** A tiny browser over fastify.inject: cookie jar and CSRF token, no network. */
function injectBrowser(fastify: FastifyInstance) {
  const jar = new Map<string, string>();
  let csrf: string | null = null;
  async function send(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    init: { json?: unknown; form?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { 'user-agent': 'portcullis-bench' };
    if (jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    let payload: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams({ ...(csrf && { _csrf: csrf }), ...init.form }).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      if (csrf) headers['x-csrf-token'] = csrf;
      payload = JSON.stringify(init.json);
    }
    const response = await fastify.inject({
      method,
      url,
      headers,
      remoteAddress: '127.0.0.1',
      ...(payload !== undefined && { payload }),
    });
    for (const cookie of response.cookies as Array<{ name: string; value: string; maxAge?: number }>) {
      if (cookie.value === '' || cookie.maxAge === 0) jar.delete(cookie.name);
      else jar.set(cookie.name, cookie.value);
    }
    return response;
  }
  return {
    send,
    async csrf() {
      const response = await send('GET', '/api/session');
      csrf = (response.json() as { csrfToken: string }).csrfToken;
    },
  };
}

/**
 * P11: statements per complete login, counted in-process with openPortal's onQuery hook (it sees every
 * statement Kysely sends, BEGIN and COMMIT included). Service methods are wrapped, from the outside,
 * to say which step each statement belongs to; no server code is changed.
 */
export async function countStatements(options: { databaseUrl: string; dir: string }): Promise<SqlCountResult> {
  mkdirSync(options.dir, { recursive: true });
  const emulator = await startDuoEmulator({ dataDir: join(options.dir, 'duo') });
  const closeEmulator = onCleanup('stop in-process Duo emulator', () => emulator.close());
  const config = loadConfig({
    PORTCULLIS_ENV: 'test',
    PORTCULLIS_DATA_DIR: join(options.dir, 'portal'),
    PORTCULLIS_DATABASE_URL: options.databaseUrl,
    PORTCULLIS_LOG_LEVEL: 'silent',
    PORTCULLIS_DUO_CA_FILE: emulator.caFile,
  });

  let request = 'setup';
  let step = 'setup';
  let inTransaction = false;
  const counts = new Map<string, { step: string; request: string } & StatementCounts>();
  const onQuery = (sql: string) => {
    const key = `${request}|${step}`;
    let entry = counts.get(key);
    if (!entry) {
      entry = { step, request, ...empty() };
      counts.set(key, entry);
    }
    entry.statements += 1;
    if (BEGIN.test(sql)) {
      inTransaction = true;
      entry.transactions += 1;
    } else if (COMMIT.test(sql)) {
      inTransaction = false;
      entry.commits += 1;
    } else if (ROLLBACK.test(sql)) {
      inTransaction = false;
    } else if (WRITE.test(sql) || CTE_WRITE.test(sql)) {
      entry.writes += 1;
      entry.writeSql.push(shortSql(sql));
      if (!inTransaction) entry.commits += 1;
    } else if (/^\s*(select|with)\b/i.test(sql)) {
      entry.reads += 1;
    }
  };

  const portal = await openPortal(config, { onQuery });
  const app = await createApp(config, { ...portal.deps });
  const closePortal = onCleanup('close in-process portal', async () => {
    await app.fastify.close();
    await portal.close();
  });
  await app.fastify.ready();
  try {
    const { services } = app;
    const wrap = (target: object, method: string, name: string) => {
      const holder = target as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const original = holder[method];
      if (typeof original !== 'function') throw new Error(`cannot instrument ${name}: no method ${method}`);
      holder[method] = async (...args: unknown[]) => {
        const outer = step;
        step = name;
        try {
          return await original.apply(target, args);
        } finally {
          step = outer;
        }
      };
    };
    wrap(services.signIn, 'verifyPassword', 'password check (throttle, user, argon2)');
    wrap(services.signIn, 'afterPassword', 'MFA decision and start (challenge row, audit)');
    wrap(services.signIn, 'answerCallback', 'callback (take challenge, Duo token, session, audit)');

    const context = { actor: null, ip: null, userAgent: 'portcullis-bench', requestId: null };
    const password = 'bench-correct-horse-battery-7';
    for (const [username, role] of [
      ['admin', 'administrator'],
      ['alice', 'user'],
      ['bob', 'user'],
    ] as const) {
      await services.accounts.createUser(
        { username, displayName: username, email: `${username}@bench.example`, role, password },
        context,
        'cli',
      );
    }
    emulator.setUser('alice', { enrolled: true, status: 'active', autoPush: 'approve' });

    const admin = injectBrowser(app.fastify);
    await admin.csrf();
    await admin.send('POST', '/api/auth/login', { json: { username: 'admin', password } });
    await admin.csrf();
    await admin.send('PUT', '/api/admin/settings/application-url', {
      json: { applicationUrl: 'http://localhost:8080' },
    });
    const created = await admin.send('POST', '/api/admin/mfa/providers', {
      json: {
        type: 'duo',
        name: 'Duo Security',
        enabled: true,
        values: { endpoint: emulator.apiHost, ...emulator.readyClient },
      },
    });
    if (created.statusCode !== 201) throw new Error(`could not register Duo in-process: ${created.body}`);
    const providerId = (created.json() as { provider: { id: number } }).provider.id;

    const duoRoundTrip = async (browser: ReturnType<typeof injectBrowser>, redirectTo: string) => {
      const back = await emulator.completeAuthorization(redirectTo, 'approve');
      if (back.kind !== 'redirect') throw new Error(`Duo emulator: ${JSON.stringify(back)}`);
      const url = new URL(back.url);
      return browser.send('GET', `${url.pathname}${url.search}`);
    };
    const alice = injectBrowser(app.fastify);
    await alice.csrf();
    await alice.send('POST', '/api/auth/login', { json: { username: 'alice', password } });
    await alice.csrf();
    const configure = await alice.send('POST', '/api/me/mfa/configure', { json: { providerId } });
    await duoRoundTrip(alice, (configure.json() as { redirectTo: string }).redirectTo);

    const fullLogin = async () => {
      const browser = injectBrowser(app.fastify);
      request = 'GET /api/session';
      await browser.csrf();
      request = 'POST /api/auth/login';
      const login = await browser.send('POST', '/api/auth/login', { form: { username: 'alice', password } });
      if (login.statusCode !== 302) throw new Error(`in-process sign-in: ${login.statusCode} ${login.body}`);
      request = 'GET callback';
      const done = await duoRoundTrip(browser, login.headers.location as string);
      if (done.statusCode !== 303 || done.headers.location !== '/')
        throw new Error(`in-process callback: ${done.statusCode}`);
      request = 'setup';
    };
    await fullLogin(); // warm: the measured login is a returning user's second one
    counts.clear();
    await fullLogin();
    const steps = [...counts.values()].filter((entry) => entry.request !== 'setup');

    counts.clear();
    const bob = injectBrowser(app.fastify);
    request = 'password-only';
    await bob.csrf();
    const plain = await bob.send('POST', '/api/auth/login', { form: { username: 'bob', password } });
    if (plain.statusCode !== 303) throw new Error(`in-process password-only sign-in: ${plain.statusCode}`);
    request = 'setup';
    const passwordOnly = total([...counts.values()].filter((entry) => entry.request === 'password-only'));

    counts.clear();
    request = 'session check';
    const me = await bob.send('GET', '/api/me');
    if (me.statusCode !== 200) throw new Error(`in-process GET /api/me: ${me.statusCode}`);
    request = 'setup';
    const sessionCheck = total([...counts.values()].filter((entry) => entry.request === 'session check'));

    return { engine: portal.storage.engine, steps, total: total(steps), passwordOnly, sessionCheck };
  } finally {
    await closePortal();
    await closeEmulator();
  }
}

function total(entries: StatementCounts[]): StatementCounts {
  const result = empty();
  for (const entry of entries) {
    result.statements += entry.statements;
    result.reads += entry.reads;
    result.writes += entry.writes;
    result.commits += entry.commits;
    result.transactions += entry.transactions;
    result.writeSql.push(...entry.writeSql);
  }
  return result;
}
