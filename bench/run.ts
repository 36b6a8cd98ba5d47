/**
 * Portcullis benchmarks: each prints figures as min / median / max over runs, with the load average,
 * and never passes or fails on time. See bench/README.md.
 *   npm run bench [-- <benchmark>...] [--json] [options]
 */
import { parseArgs } from 'node:util';
import { cleanupAll, installSignalHandlers, wasInterrupted } from './lib/cleanup.ts';
import { LOGIN_USAGE, loginBenchmark, loginOptions } from './login.ts';
import { MEMORY_USAGE, memoryBenchmark, memoryOptions } from './memory.ts';
import { STARTUP_USAGE, startupBenchmark, startupOptions } from './startup.ts';

type Values = Record<string, string | boolean | undefined>;

interface Benchmark {
  summary: string;
  /** Runs when no benchmark is named. */
  byDefault: boolean;
  usage: string;
  run(values: Values): Promise<{ markdown: string; data: unknown }>;
}

/** One entry per benchmark; a new one adds a line here and its options below. */
const BENCHMARKS: Record<string, Benchmark> = {
  login: {
    summary: 'CPU, latency, SQL and memory per sign-in, against the hash (goals P1–P12), ~2 min',
    byDefault: true,
    usage: LOGIN_USAGE,
    run: loginBenchmark,
  },
  startup: {
    summary: 'spawn → /readyz for serve and npm start, idle RSS, the build-stamp check, ~1 min',
    byDefault: true,
    usage: STARTUP_USAGE,
    run: startupBenchmark,
  },
  memory: {
    summary: 'RSS over many password sign-ins (10 k → 100 k: within 10 %?), ~20–40 min',
    byDefault: false,
    usage: MEMORY_USAGE,
    run: memoryBenchmark,
  },
};

const OPTIONS = {
  ...loginOptions,
  ...startupOptions,
  ...memoryOptions,
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(): string {
  const names = Object.entries(BENCHMARKS).map(
    ([name, benchmark]) => `  ${name.padEnd(9)} ${benchmark.summary}${benchmark.byDefault ? ' (default)' : ''}`,
  );
  const options = Object.entries(BENCHMARKS).map(([name, benchmark]) => `${name}:\n${benchmark.usage}`);
  return [
    'Usage: npm run bench -- [<benchmark>...] [--json] [options]',
    '',
    'Benchmarks:',
    ...names,
    '',
    '  --json              print the results as JSON instead of the tables',
    '',
    ...options,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: OPTIONS, allowPositionals: true });
  if (values.help) {
    process.stdout.write(usage());
    return;
  }
  const unknown = positionals.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}\n\n${usage()}`);
  const names =
    positionals.length > 0 ? positionals : Object.keys(BENCHMARKS).filter((name) => BENCHMARKS[name]?.byDefault);
  installSignalHandlers();
  const results: Record<string, unknown> = {};
  for (const name of names) {
    const { markdown, data } = await (BENCHMARKS[name] as Benchmark).run(values);
    results[name] = data;
    if (!values.json) process.stdout.write(`${markdown}\n`);
    await cleanupAll(); // each benchmark starts on a machine with nothing of the previous one left
  }
  if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

try {
  await main();
  await cleanupAll();
} catch (error) {
  if (!wasInterrupted()) process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  await cleanupAll();
  process.exitCode = 1;
}
