import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { build } from '../build/build.mjs';
import { npmStartFlags, runCli, startNode } from './lib/children.ts';
import { onCleanup, tempDir } from './lib/cleanup.ts';
import { signInMany } from './lib/login.ts';
import { say, wholeNumber } from './lib/options.ts';
import { cpuSeconds, type Load, load, type Machine, machine, memoryMiB } from './lib/proc.ts';
import { PASSWORD } from './lib/setup.ts';
import { header, table } from './lib/tables.ts';

export const memoryOptions = {
  'sign-ins': { type: 'string' },
  checkpoint: { type: 'string' },
  browsers: { type: 'string' },
} as const;

export const MEMORY_USAGE = `  --sign-ins <n>      password sign-ins in all (default 100000)
  --checkpoint <n>    read the portal's memory every n sign-ins (default 10000)
  --browsers <n>      browsers signing in at once (default 2)`;

type MemoryValues = { [K in keyof typeof memoryOptions]?: string };

interface Checkpoint {
  signIns: number;
  rssMiB: number;
  peakMiB: number;
  /** Portal CPU per sign-in since the previous checkpoint. */
  cpuMs: number;
  seconds: number;
  loadAverage: string;
}

export interface MemoryReport {
  date: string;
  machine: Machine;
  load: { start: Load; end: Load };
  browsers: number;
  startFlags: string[];
  idleMiB: number;
  checkpoints: Checkpoint[];
}

export async function memoryBenchmark(values: MemoryValues): Promise<{ markdown: string; data: MemoryReport }> {
  const total = wholeNumber('sign-ins', values['sign-ins'] ?? '100000', 1);
  const every = wholeNumber('checkpoint', values.checkpoint ?? '10000', 1);
  const browsers = wholeNumber('browsers', values.browsers ?? '2', 1);
  await build({ say });
  const loadAtStart = load();
  const dataDir = tempDir('portcullis-bench-memory');
  const env = {
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_LOG_LEVEL: 'warn',
    PORTCULLIS_HOST: '127.0.0.1',
    PORTCULLIS_PORT: '0',
  };
  const users = Array.from({ length: browsers }, (_, i) => `pw${i + 1}`);
  say('creating users with `portcullis user add`');
  for (const username of users)
    await runCli(['user', 'add', '--username', username, '--email', `${username}@bench.example`], env, `${PASSWORD}\n`);
  const flags = npmStartFlags();
  const portal = await startNode(
    'portal',
    [...flags, 'bin/portcullis.mjs', 'serve'],
    env,
    /listening on http:\/\/[^:\s]+:(\d+) /,
  );
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  onCleanup('close the HTTP agent', () => agent.close());
  const target = {
    portalBase: `http://127.0.0.1:${portal.ready[1]}`,
    agents: { portal: agent, duo: agent },
    password: PASSWORD,
  };
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idleMiB = memoryMiB(portal.pid).rss;

  const checkpoints: Checkpoint[] = [];
  let done = 0;
  while (done < total) {
    const count = Math.min(every, total - done);
    const cpu0 = cpuSeconds(portal.pid);
    const t0 = performance.now();
    await signInMany(target, users, 'password', count);
    done += count;
    const memory = memoryMiB(portal.pid);
    checkpoints.push({
      signIns: done,
      rssMiB: memory.rss,
      peakMiB: memory.peak,
      cpuMs: ((cpuSeconds(portal.pid) - cpu0) * 1000) / count,
      seconds: (performance.now() - t0) / 1000,
      loadAverage: load().loadAverage,
    });
    say(`${done} sign-ins: RSS ${memory.rss.toFixed(1)} MiB`);
  }
  await portal.stop();

  const data: MemoryReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: machine(),
    load: { start: loadAtStart, end: load() },
    browsers,
    startFlags: flags,
    idleMiB,
    checkpoints,
  };
  return { markdown: render(data), data };
}

function render(r: MemoryReport): string {
  const first = r.checkpoints[0];
  const last = r.checkpoints.at(-1);
  const middle = r.checkpoints[Math.floor((r.checkpoints.length - 1) / 2)];
  const growth = first && last ? (last.rssMiB / first.rssMiB - 1) * 100 : Number.NaN;
  return [
    ...header('memory over many sign-ins', r, { overRuns: false }),
    `Method: the built portal (\`node ${[...r.startFlags, ''].join(' ')}bin/portcullis.mjs serve\` as npm start runs it, SQLite), ${r.browsers} browsers signing in with a password back to back (GET /api/session, then the form POST); RSS (VmRSS) and peak (VmHWM) read from /proc after each checkpoint. Idle before the first sign-in: ${r.idleMiB.toFixed(1)} MiB.`,
    '',
    table(
      ['Sign-ins', 'RSS', 'Peak RSS', 'Portal CPU / sign-in', 'Wall time', 'Load average'],
      r.checkpoints.map((c) => [
        String(c.signIns),
        `${c.rssMiB.toFixed(1)} MiB`,
        `${c.peakMiB.toFixed(1)} MiB`,
        `${c.cpuMs.toFixed(2)} ms`,
        `${c.seconds.toFixed(0)} s`,
        c.loadAverage,
      ]),
    ),
    '',
    first && last && last !== first
      ? `RSS after ${last.signIns} sign-ins is ${signed(growth)} % of RSS after ${first.signIns} (goal: within ±10 %): ${Math.abs(growth) <= 10 ? 'met' : 'MISSED'}.`
      : 'One checkpoint only: nothing to compare.',
    middle && last && middle !== last
      ? `Second half (${middle.signIns} → ${last.signIns} sign-ins): ${signed((last.rssMiB / middle.rssMiB - 1) * 100)} % (flat when the growth levels off).`
      : '',
    '',
  ].join('\n');
}

function signed(percent: number): string {
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}`;
}
