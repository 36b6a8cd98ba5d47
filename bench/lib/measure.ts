import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { type Agents, Browser } from './browser.ts';
import { type LoginKind, type LoginSample, type LoginTarget, STEPS, signInMany, signInOnce } from './login.ts';
import type { BackendMeter } from './postgres.ts';
import { cpuSeconds, memoryMiB } from './proc.ts';
import { authLevelOf, type LoopDelay, loopDelay, PASSWORD, type PortalUnderTest } from './setup.ts';
import { median, percentile, sum } from './stats.ts';

export interface LoginThroughput {
  /** Portal CPU per sign-in, ms: one figure per run, and their median. */
  cpuMsRuns: number[];
  cpuMs: number;
  loginsPerCpuSecond: number;
  /** PostgreSQL backends' CPU per sign-in (ms, median; per run), when the engine is PostgreSQL. */
  dbCpuMs: number | null;
  dbCpuMsRuns: number[];
  /** The Duo emulator's CPU per sign-in (ms, median; per run): not counted as the portal's. */
  emulatorCpuMs: number;
  emulatorCpuMsRuns: number[];
  wallLoginsPerSecond: number;
  wallRuns: number[];
  /** Under this load (all browsers at once): the portal's event-loop delay (median run) and step p99s. */
  loaded: { loopDelay: LoopDelay; passwordStepP99: number; callbackStepP99: number | null };
}

export interface StepLatency {
  step: string;
  p50: number;
  p95: number;
  /** Mean portal CPU of the step (ms), from schedstat at concurrency 1. */
  cpuMs: number;
}

export interface RequestCost {
  path: string;
  cpuUsRuns: number[];
  requestsPerCpuSecond: number;
}

export interface EngineResult {
  engine: string;
  throughput: Record<LoginKind, LoginThroughput>;
  latency: Record<LoginKind, { steps: StepLatency[]; totalP50: number; totalP95: number; cpuMs: number }>;
  requests: { healthz: RequestCost; me: RequestCost };
  memoryMiB: { idle: number; after: number; peak: number };
}

interface Options {
  portal: PortalUnderTest;
  agents: Agents;
  emulatorPid: number;
  db: BackendMeter | null;
  logins: number;
  runs: number;
  warmup: number;
  say: (line: string) => void;
}

/** Proves each kind ends where it should (password-only: 'password' session; Duo: 'mfa'). */
async function checkFlows(target: LoginTarget, portal: PortalUnderTest): Promise<Browser> {
  const plain = new Browser(portal.base, target.agents);
  await signInOnce(target, portal.passwordUsers[0] as string, 'password', plain);
  if ((await authLevelOf(plain)) !== 'password')
    throw new Error('the password-only user did not get a password session');
  const full = new Browser(portal.base, target.agents);
  await signInOnce(target, portal.duoUsers[0] as string, 'duo', full);
  if ((await authLevelOf(full)) !== 'mfa') throw new Error('the Duo user did not get an MFA session');
  return full;
}

async function throughput(options: Options, target: LoginTarget, kind: LoginKind, runs: number) {
  const users = kind === 'duo' ? options.portal.duoUsers : options.portal.passwordUsers;
  const pid = options.portal.child.pid;
  const cpu: number[] = [];
  const db: number[] = [];
  const emulator: number[] = [];
  const wall: number[] = [];
  const delays: LoopDelay[] = [];
  const samples: LoginSample[] = [];
  for (let run = 0; run < runs; run += 1) {
    await loopDelay(options.portal); // reset
    const db0 = await options.db?.cpuSeconds();
    const emulator0 = cpuSeconds(options.emulatorPid);
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    samples.push(...(await signInMany(target, users, kind, options.logins)));
    const seconds = (performance.now() - t0) / 1000;
    delays.push(await loopDelay(options.portal));
    cpu.push(((cpuSeconds(pid) - cpu0) * 1000) / options.logins);
    emulator.push(((cpuSeconds(options.emulatorPid) - emulator0) * 1000) / options.logins);
    const db1 = await options.db?.cpuSeconds();
    if (typeof db0 === 'number' && typeof db1 === 'number') db.push(((db1 - db0) * 1000) / options.logins);
    wall.push(options.logins / seconds);
  }
  return { cpu, db, emulator, wall, delays, samples };
}

function stepTimes(parts: Array<{ samples: LoginSample[] }>, step: string): number[] {
  return parts.flatMap((part) => part.samples.flatMap((sample) => sample.wallMs[step] ?? []));
}

/** The element whose key is the median (so its other fields stay consistent with it). */
function medianBy<T>(items: T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
}

function summarise(parts: Array<Awaited<ReturnType<typeof throughput>>>): LoginThroughput {
  const cpuMsRuns = parts.flatMap((part) => part.cpu);
  const cpuMs = median(cpuMsRuns);
  const db = parts.flatMap((part) => part.db);
  const emulator = parts.flatMap((part) => part.emulator);
  const wall = parts.flatMap((part) => part.wall);
  return {
    cpuMsRuns,
    cpuMs,
    loginsPerCpuSecond: 1000 / cpuMs,
    dbCpuMs: db.length > 0 ? median(db) : null,
    dbCpuMsRuns: db,
    emulatorCpuMs: median(emulator),
    emulatorCpuMsRuns: emulator,
    wallLoginsPerSecond: median(wall),
    wallRuns: wall,
    loaded: {
      loopDelay: medianBy(
        parts.flatMap((part) => part.delays),
        (delay) => delay.p99,
      ),
      passwordStepP99: percentile(stepTimes(parts, 'password'), 99),
      callbackStepP99: stepTimes(parts, 'callback').length > 0 ? percentile(stepTimes(parts, 'callback'), 99) : null,
    },
  };
}

/** Concurrency 1: wall time of each step as the browser sees it, and the portal's CPU in it. */
async function latency(options: Options, target: LoginTarget, kind: LoginKind) {
  const users = kind === 'duo' ? options.portal.duoUsers : options.portal.passwordUsers;
  const samples = await signInMany(
    { ...target, serverPid: options.portal.child.pid },
    [users[0] as string],
    kind,
    options.logins,
  );
  const steps = STEPS[kind].map((step) => ({
    step,
    p50: percentile(
      samples.map((sample) => sample.wallMs[step] ?? 0),
      50,
    ),
    p95: percentile(
      samples.map((sample) => sample.wallMs[step] ?? 0),
      95,
    ),
    cpuMs: sum(samples.map((sample) => sample.cpuMs?.[step] ?? 0)) / samples.length,
  }));
  const totals = samples.map((sample) => sum(Object.values(sample.wallMs)));
  return {
    steps,
    totalP50: percentile(totals, 50),
    totalP95: percentile(totals, 95),
    cpuMs: sum(steps.map((step) => step.cpuMs)),
  };
}

/** One run of many cheap GETs on keep-alive connections (4 at a time): portal CPU per request, µs. */
async function requestRun(options: Options, path: string, cookie: string | null, count: number): Promise<number> {
  const pid = options.portal.child.pid;
  let left = count;
  const cpu0 = cpuSeconds(pid);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (left > 0) {
        left -= 1;
        const response = await request(`${options.portal.base}${path}`, {
          headers: { 'user-agent': 'portcullis-bench', accept: 'application/json', ...(cookie && { cookie }) },
          dispatcher: options.agents.portal,
        });
        await response.body.text();
        if (response.statusCode !== 200) throw new Error(`GET ${path} answered ${response.statusCode}`);
      }
    }),
  );
  return ((cpuSeconds(pid) - cpu0) * 1e6) / count;
}

/** /healthz (the hello-world baseline) and /api/me (cookie → session lookup → user), runs interleaved. */
async function requestCosts(options: Options, cookie: string): Promise<EngineResult['requests']> {
  const count = Math.max(5000, options.logins * 25);
  // Generous warm-up: a cheap route's cost per request only settles after a few thousand calls (JIT).
  await requestRun(options, '/healthz', null, 3000);
  await requestRun(options, '/api/me', cookie, 3000);
  const healthz: number[] = [];
  const me: number[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    healthz.push(await requestRun(options, '/healthz', null, count));
    me.push(await requestRun(options, '/api/me', cookie, count));
  }
  return {
    healthz: { path: '/healthz', cpuUsRuns: healthz, requestsPerCpuSecond: 1e6 / median(healthz) },
    me: { path: '/api/me', cpuUsRuns: me, requestsPerCpuSecond: 1e6 / median(me) },
  };
}

export async function measureEngine(options: Options): Promise<EngineResult> {
  const { portal } = options;
  const target: LoginTarget = { portalBase: portal.base, agents: options.agents, password: PASSWORD };
  const signedIn = await checkFlows(target, portal);

  options.say(`warm-up: ${options.warmup} sign-ins of each kind`);
  await signInMany(target, portal.passwordUsers, 'password', options.warmup);
  await signInMany(target, portal.duoUsers, 'duo', options.warmup);

  // Runs alternate between the kinds so that drift on a shared machine hits both alike.
  const parts: Record<LoginKind, Array<Awaited<ReturnType<typeof throughput>>>> = { password: [], duo: [] };
  for (let run = 0; run < options.runs; run += 1) {
    for (const kind of ['password', 'duo'] as const) {
      options.say(
        `run ${run + 1}/${options.runs}: ${options.logins} ${kind === 'duo' ? 'full (Duo)' : 'password-only'} sign-ins, ${portal.duoUsers.length} browsers`,
      );
      parts[kind].push(await throughput(options, target, kind, 1));
    }
  }

  options.say(`latency: ${options.logins} sign-ins of each kind, one at a time`);
  const latencyPassword = await latency(options, target, 'password');
  const latencyDuo = await latency(options, target, 'duo');

  options.say('session check vs /healthz');
  const cookie = [...signedIn.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const requests = await requestCosts(options, cookie);

  const after = memoryMiB(portal.child.pid);
  return {
    engine: portal.engine,
    throughput: { password: summarise(parts.password), duo: summarise(parts.duo) },
    latency: { password: latencyPassword, duo: latencyDuo },
    requests,
    memoryMiB: { idle: portal.idleMiB.rss, after: after.rss, peak: after.peak },
  };
}
