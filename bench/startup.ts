/**
 * The start-up benchmark: how long the built portal takes from spawn to a ready `/readyz`, started as
 * `npm start` does (`node <its V8 flags> bin/portcullis.mjs serve`), without those flags, and as
 * `npm start` itself, and its resident memory once idle; the cost of the build-stamp check and of a
 * bare `node` for reference. Goals from issue 15: idle RSS ≤ 100 MiB, serve → /readyz ≤ 1 s,
 * npm start → /readyz ≤ 1.5 s (judged on the median).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from '../build/build.mjs';
import { childEnv, npmStartFlags, ROOT, runCli } from './lib/children.ts';
import { onCleanup, tempDir } from './lib/cleanup.ts';
import { say, wholeNumber } from './lib/options.ts';
import { type Load, load, type Machine, machine, memoryMiB } from './lib/proc.ts';
import { formatSpread, type Spread, spread } from './lib/stats.ts';
import { header, table } from './lib/tables.ts';

export const startupOptions = {
  runs: { type: 'string' },
  'node-options': { type: 'string' },
} as const;

export const STARTUP_USAGE = `  --runs <n>              starts of each kind (default 5)
  --node-options=<flags> NODE_OPTIONS for the portal, to compare V8 settings (default: none)`;

type StartupValues = { [K in keyof typeof startupOptions]?: string };

export interface StartupReport {
  date: string;
  machine: Machine;
  load: { start: Load; end: Load };
  nodeOptions: string | null;
  /** The V8 flags of package.json's start script. */
  startFlags: string[];
  serveReadyMs: Spread;
  npmStartReadyMs: Spread;
  idleRssMiB: Spread;
  plainServeReadyMs: Spread;
  plainIdleRssMiB: Spread;
  npmStartIdleRssMiB: Spread;
  stampCheckMs: Spread;
  bareNodeMs: Spread;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

/** Polls /readyz every 5 ms until it answers 200 (or the child dies); the time since `t0`. */
async function waitReady(port: number, child: ChildProcess, t0: number): Promise<number> {
  while (performance.now() - t0 < 30_000) {
    if (child.exitCode !== null) throw new Error(`the portal exited (${child.exitCode}) before it was ready`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the portal was not ready within 30 s');
}

/** The pid of the portal under `npm start` (npm → sh → node bin/portcullis.mjs serve). */
function portalPidUnder(pid: number): number {
  const children = (parent: number) =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((entry) => {
        try {
          const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
        } catch {
          return false;
        }
      })
      .map(Number);
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift() as number;
    const cmdline = readFileSync(`/proc/${current}/cmdline`, 'utf8').split('\0');
    if (cmdline.some((arg) => arg.endsWith('bin/portcullis.mjs'))) return current;
    queue.push(...children(current));
  }
  throw new Error('the portal process under npm start was not found');
}

type Kind = { serve: string[] } | 'npm';

/** One start: spawn, time to a ready /readyz, 2 s idle, RSS, SIGTERM. */
async function startOnce(kind: Kind, env: Record<string, string>) {
  const port = await freePort();
  const t0 = performance.now();
  const child =
    kind !== 'npm'
      ? spawn(process.execPath, [...kind.serve, 'bin/portcullis.mjs', 'serve'], {
          cwd: ROOT,
          env: childEnv({ ...env, PORTCULLIS_PORT: String(port) }),
          stdio: 'ignore',
        })
      : spawn('npm', ['start', '--silent'], {
          cwd: ROOT,
          env: childEnv({ ...env, PORTCULLIS_PORT: String(port) }),
          stdio: 'ignore',
          detached: true, // its own process group: npm, sh and the portal stop together
        });
  const stop = onCleanup(
    `stop ${kind === 'npm' ? 'npm start' : 'serve'}`,
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      if (kind === 'npm') process.kill(-(child.pid as number), 'SIGTERM');
      else child.kill('SIGTERM');
      await exited;
    },
    () => (kind === 'npm' ? process.kill(-(child.pid as number), 'SIGKILL') : child.kill('SIGKILL')),
  );
  try {
    const readyMs = await waitReady(port, child, t0);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const pid = kind === 'npm' ? portalPidUnder(child.pid as number) : (child.pid as number);
    return { readyMs, rssMiB: memoryMiB(pid).rss };
  } finally {
    await stop();
  }
}

/** A child that times importing build/stamp.mjs and checking both parts, as bin/portcullis.mjs does. */
async function stampCheckMs(): Promise<number> {
  const script = `const t0 = performance.now();
const { staleTargets } = await import(${JSON.stringify(join(ROOT, 'build/stamp.mjs'))});
const stale = staleTargets();
process.stdout.write(String(performance.now() - t0) + (stale.length ? ' stale' : ''));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  await once(child, 'exit');
  if (out.endsWith('stale')) throw new Error('the build is stale after building it');
  return Number(out);
}

async function bareNodeMs(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await once(child, 'exit');
  return performance.now() - t0;
}

export async function startupBenchmark(values: StartupValues): Promise<{ markdown: string; data: StartupReport }> {
  const runs = wholeNumber('runs', values.runs ?? '5', 1);
  const nodeOptions = values['node-options'] ?? null;
  const built = await build({ say });
  if (built.length > 0) say(`built ${built.join(' and ')} first (the benchmark measures dist/)`);
  const loadAtStart = load();

  const dataDir = tempDir('portcullis-bench-startup');
  const env = {
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_HOST: '127.0.0.1',
    PORTCULLIS_LOG_LEVEL: 'warn',
    ...(nodeOptions && { NODE_OPTIONS: nodeOptions }),
  };
  // An installed portal restarting: migrated, master key written, an administrator (no setup link).
  say('preparing a data folder with `portcullis user add` (migrates, writes the master key)');
  await runCli(
    ['user', 'add', '--admin', '--username', 'admin', '--email', 'admin@bench.example'],
    env,
    'bench-start-up-password-1\n',
  );

  const flags = npmStartFlags();
  const serve: Array<{ readyMs: number; rssMiB: number }> = [];
  const plain: Array<{ readyMs: number; rssMiB: number }> = [];
  const npm: Array<{ readyMs: number; rssMiB: number }> = [];
  const stamp: number[] = [];
  const bare: number[] = [];
  await startOnce({ serve: flags }, env); // warm the page cache: every later start finds the files in memory
  for (let run = 1; run <= runs; run += 1) {
    say(`run ${run}/${runs}: serve, serve without V8 flags, npm start, stamp check, bare node`);
    serve.push(await startOnce({ serve: flags }, env));
    plain.push(await startOnce({ serve: [] }, env));
    npm.push(await startOnce('npm', env));
    stamp.push(await stampCheckMs());
    bare.push(await bareNodeMs());
  }

  const data: StartupReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: machine(),
    load: { start: loadAtStart, end: load() },
    nodeOptions,
    startFlags: flags,
    serveReadyMs: spread(serve.map((s) => s.readyMs)),
    npmStartReadyMs: spread(npm.map((s) => s.readyMs)),
    idleRssMiB: spread(serve.map((s) => s.rssMiB)),
    plainServeReadyMs: spread(plain.map((s) => s.readyMs)),
    plainIdleRssMiB: spread(plain.map((s) => s.rssMiB)),
    npmStartIdleRssMiB: spread(npm.map((s) => s.rssMiB)),
    stampCheckMs: spread(stamp),
    bareNodeMs: spread(bare),
  };
  return { markdown: render(data), data };
}

function verdict(value: number, limit: number): string {
  return value <= limit ? 'met' : 'MISSED';
}

function render(r: StartupReport): string {
  const serve = `\`node ${[...r.startFlags, ''].join(' ')}bin/portcullis.mjs serve\``;
  return [
    ...header('start-up and idle memory', r),
    `Method: ${r.serveReadyMs.runs} starts of each kind of the built portal on a migrated SQLite data folder with an administrator; time from spawn until \`GET /readyz\` answers 200 (polled every 5 ms); RSS (VmRSS) after 2 s idle. ${serve} is how \`npm start\` and the systemd unit in docs/deploy/ run it. NODE_OPTIONS: ${r.nodeOptions ?? 'none'}.`,
    '',
    table(
      ['Figure', 'min / median / max', 'Goal', 'Verdict (median)'],
      [
        [
          `${serve} → /readyz`,
          formatSpread(r.serveReadyMs, 0, 'ms'),
          '≤ 1000 ms',
          verdict(r.serveReadyMs.median, 1000),
        ],
        [
          '`npm start` → /readyz',
          formatSpread(r.npmStartReadyMs, 0, 'ms'),
          '≤ 1500 ms',
          verdict(r.npmStartReadyMs.median, 1500),
        ],
        [`RSS idle, ${serve}`, formatSpread(r.idleRssMiB, 1, 'MiB'), '≤ 100 MiB', verdict(r.idleRssMiB.median, 100)],
        [
          'RSS idle, `npm start` (the portal process)',
          formatSpread(r.npmStartIdleRssMiB, 1, 'MiB'),
          '≤ 100 MiB',
          verdict(r.npmStartIdleRssMiB.median, 100),
        ],
        [
          '`node bin/portcullis.mjs serve` (no V8 flags) → /readyz',
          formatSpread(r.plainServeReadyMs, 0, 'ms'),
          '—',
          '',
        ],
        ['RSS idle, `node bin/portcullis.mjs serve` (no V8 flags)', formatSpread(r.plainIdleRssMiB, 1, 'MiB'), '—', ''],
        ['build-stamp check (import + check, in its own process)', formatSpread(r.stampCheckMs, 1, 'ms'), '—', ''],
        ['bare `node -e 0`, spawn → exit (reference)', formatSpread(r.bareNodeMs, 0, 'ms'), '—', ''],
      ],
    ),
    '',
  ].join('\n');
}
