/**
 * What the audit benchmark measures against a running portal: page latency per filter (first page and
 * deep pages reached by cursor), users search latency, and a full export's time, peak RSS growth and
 * longest event-loop block (with /healthz answered meanwhile), plus the plan each filter gets.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CompiledQuery, type Kysely } from 'kysely';
import { type AuditFilters, auditRowsQuery } from '../src/server/audit/audit-query.ts';
import type { Database } from '../src/server/db/schema.ts';
import { type BenchClient, createBenchClient } from './audit-scale-http.ts';
import { memoryMiB } from './lib/proc.ts';
import { percentile } from './lib/stats.ts';

export interface Latency {
  p50: number;
  p95: number;
  max: number;
  samples: number;
}

export function latency(values: number[]): Latency {
  return { p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values), samples: values.length };
}

export interface Scenario {
  name: string;
  query: string;
  filters: AuditFilters;
}

/** The filters a person uses, each alone, and the two usual pairs; values picked to match real rows. */
export function scenarios(sample: { actor: string; target: string; from: number; to: number }): Scenario[] {
  const range = `from=${new Date(sample.from).toISOString()}&to=${new Date(sample.to).toISOString()}`;
  return [
    { name: 'no filter', query: '', filters: {} },
    { name: 'event (login.failed)', query: 'type=login.failed', filters: { type: 'login.failed' } },
    { name: 'family (mfa_provider.*)', query: 'type=mfa_provider.*', filters: { type: 'mfa_provider.*' } },
    { name: 'family (login.*)', query: 'type=login.*', filters: { type: 'login.*' } },
    { name: 'actor', query: `actor=${sample.actor}`, filters: { actor: sample.actor } },
    { name: 'target', query: `target=${sample.target}`, filters: { target: sample.target } },
    { name: 'outcome (failure)', query: 'outcome=failure', filters: { outcome: 'failure' } },
    { name: 'date range (7 days)', query: range, filters: { from: sample.from, to: sample.to } },
    {
      name: 'event + date range',
      query: `type=login.failed&${range}`,
      filters: { type: 'login.failed', from: sample.from, to: sample.to },
    },
    {
      name: 'family + outcome',
      query: 'type=login.*&outcome=failure',
      filters: { type: 'login.*', outcome: 'failure' },
    },
  ];
}

/**
 * `requests` first pages, then `requests` pages walked by `next` from a cursor half-way down the log
 * (what OFFSET paging made slow). Each request includes the capped count.
 */
export async function measurePages(client: BenchClient, scenario: Scenario, deep: string, requests: number) {
  const path = (extra: string) => `/api/admin/audit?${[scenario.query, extra].filter(Boolean).join('&')}`;
  const first: number[] = [];
  for (let index = 0; index < requests; index += 1)
    first.push(client.expectOk(scenario.name, await client.get(path(''))).ms);
  const deepPages: number[] = [];
  let cursor: string | null = deep;
  for (let index = 0; index < requests && cursor; index += 1) {
    const reply = client.expectOk(scenario.name, await client.get(path(`after=${cursor}`)));
    deepPages.push(reply.ms);
    cursor = (JSON.parse(reply.body) as { next: string | null }).next;
  }
  return { first: latency(first), deep: deepPages.length > 0 ? latency(deepPages) : null };
}

export async function measureSearch(client: BenchClient, queries: string[]): Promise<Latency> {
  const times: number[] = [];
  for (const q of queries) {
    times.push(client.expectOk(`search ${q}`, await client.get(`/api/admin/users?q=${encodeURIComponent(q)}`)).ms);
  }
  return latency(times);
}

/** The event-loop probe preloaded into the portal (bench/lib/loop-delay.mjs): delay since the last ask. */
export async function loopDelay(pid: number, file: string): Promise<{ p99: number; max: number }> {
  const read = () => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as { seq: number; p99: number; max: number };
    } catch {
      return null;
    }
  };
  const before = read()?.seq ?? 0;
  process.kill(pid, 'SIGUSR2');
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const now = read();
    if (now && now.seq > before) return now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the event-loop probe in the portal did not answer');
}

/** Linux: writing 5 to clear_refs resets the peak RSS (VmHWM), so the peak of one export can be read. */
function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Asks /healthz every 20 ms on its own connection until stopped: what any other request would have waited. */
export function probeHealthz(base: string) {
  const probe = createBenchClient(base);
  const times: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      times.push((await probe.get('/healthz')).ms);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return async (): Promise<number[]> => {
    running = false;
    await done;
    probe.close();
    return times;
  };
}

export interface ExportFigures {
  seconds: number;
  mebibytes: number;
  rows: number;
  rssGrowthMiB: number;
  loopBlockMs: number;
  healthz: Latency;
}

/**
 * One export read as fast as this process can, while another connection asks /healthz every 20 ms:
 * its latency is what any other request (a sign-in) would have waited.
 */
export async function measureExport(
  client: BenchClient,
  base: string,
  portal: { pid: number; loopDelayFile: string },
  path: string,
): Promise<ExportFigures> {
  const rssBefore = memoryMiB(portal.pid).rss;
  resetPeakRss(portal.pid);
  await loopDelay(portal.pid, portal.loopDelayFile);
  const stopProbe = probeHealthz(base);
  let bytes = 0;
  let rows = 0;
  const started = performance.now();
  const reply = await client.stream(path, (chunk) => {
    bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows += 1;
  });
  const seconds = (performance.now() - started) / 1000;
  const health = await stopProbe();
  if (reply.status !== 200) throw new Error(`export ${path}: HTTP ${reply.status}`);
  const loop = await loopDelay(portal.pid, portal.loopDelayFile);
  return {
    seconds,
    mebibytes: bytes / 2 ** 20,
    rows,
    rssGrowthMiB: Math.max(0, memoryMiB(portal.pid).peak - rssBefore),
    loopBlockMs: loop.max,
    healthz: latency(health),
  };
}

/** The index (or scan) the planner chooses for a first page, at this size, with this engine's statistics. */
export async function planOf(db: Kysely<Database>, engine: string, filters: AuditFilters): Promise<string> {
  const query = auditRowsQuery(db, filters, { direction: 'older', limit: 51 }).compile();
  if (engine === 'sqlite') {
    const result = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
    );
    const steps = result.rows.map((row) => row.detail);
    const reads = steps.flatMap(
      (step) => /(?:SEARCH|SCAN) audit_events(?: USING (?:COVERING )?INDEX (\w+))?/.exec(step) ?? [],
    );
    const indexes = reads.filter((_, index) => index % 2 === 1).map((name) => name ?? 'table scan');
    const sorts = steps.filter((step) => step.startsWith('USE TEMP B-TREE')).length;
    return `${indexes.join(' + ')}${sorts > 0 ? ` (sorts ${filters.target ? 'the two short lists' : 'every match'})` : ''}`;
  }
  const result = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]),
  );
  const lines = result.rows.map((row) => row['QUERY PLAN']);
  const reads = lines.flatMap((line) => {
    const index = /(Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)/.exec(line);
    if (index) return [`${index[2]}${index[1] === 'Bitmap Index Scan' ? ' (bitmap)' : ''}`];
    return /Seq Scan on audit_events/.test(line) ? ['table scan'] : [];
  });
  const sorted = lines.some((line) => /\bSort\b/.test(line) && !/Sort Key/.test(line));
  return `${reads.join(' + ')}${sorted ? ' + sort' : ''}`;
}

/** A cursor half-way down the log, and values that match real rows, read from the database itself. */
export async function sampleOf(db: Kysely<Database>, events: number) {
  const middle = await db
    .selectFrom('audit_events')
    .select(['occurred_at', 'id', 'actor_username', 'target_label'])
    .where('actor_username', 'is not', null)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .offset(Math.floor(events / 2))
    .limit(1)
    .executeTakeFirstOrThrow();
  return {
    deep: `${middle.occurred_at}.${middle.id}`,
    actor: middle.actor_username ?? 'admin',
    target: middle.target_label ?? 'admin',
    from: middle.occurred_at - 7 * 86_400_000,
    to: middle.occurred_at,
  };
}
