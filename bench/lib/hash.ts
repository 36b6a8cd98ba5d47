import { performance } from 'node:perf_hooks';
import { hash, verify } from '@node-rs/argon2';
import { median, percentile } from './stats.ts';

export interface Argon2Params {
  algorithm: 2;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface HashBaseline {
  params: string;
  /** CPU of this process per verify while `concurrency` verifies run at once (median of runs). */
  cpuMsPerHash: number;
  hashesPerCpuSecond: number;
  /** Wall time of one verify at a time (nothing else running). */
  latencyP50Ms: number;
  latencyP95Ms: number;
  runs: number[];
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * The yardstick every login is divided by: argon2id verifies in this (otherwise idle) process with the
 * same library and parameters as the server, `concurrency` at a time, CPU from process.cpuUsage().
 */
export async function measureHash(
  params: Argon2Params,
  options: { runs: number; hashesPerRun: number; concurrency: number },
): Promise<HashBaseline> {
  const password = 'correct-horse-battery-7';
  const stored = await hash(password, params);
  for (let i = 0; i < 4; i += 1) await verify(stored, password); // warm-up

  const latencies: number[] = [];
  for (let i = 0; i < 60; i += 1) {
    const t0 = performance.now();
    await verify(stored, password);
    latencies.push(performance.now() - t0);
  }

  const runs: number[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    let left = options.hashesPerRun;
    const before = cpuMs();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (left > 0) {
          left -= 1;
          if (!(await verify(stored, password))) throw new Error('argon2 verify failed');
        }
      }),
    );
    runs.push((cpuMs() - before) / options.hashesPerRun);
  }
  const cpuMsPerHash = median(runs);
  return {
    params: `argon2id m=${params.memoryCost} t=${params.timeCost} p=${params.parallelism}`,
    cpuMsPerHash,
    hashesPerCpuSecond: 1000 / cpuMsPerHash,
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    runs,
  };
}
