import { hostname } from 'node:os';
import { randomToken } from '../crypto/tokens.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';

export interface ScheduledJob {
  name: string;
  /** How often each node tries to run it. */
  everyMs: number;
  /** How long a run may hold the lease before another node may take over (a node that died mid-run). */
  leaseMs: number;
  run(): Promise<void>;
}

/**
 * A small scheduler for `portcullis serve`: every node tries each job on its interval, and the
 * database decides who runs it (a lease row in `job_leases`), so with several nodes a job runs on one
 * at a time. Jobs must still be safe to run twice (a lease can expire under a slow run): the Duo log
 * import claims each entry by txid.
 */
export function startScheduler(
  deps: { storage: Storage; clock: () => number; onError: (job: string, error: unknown) => void },
  jobs: ScheduledJob[],
) {
  const holder = `${hostname()}:${process.pid}:${randomToken(6)}`;
  const running = new Map<string, Promise<void>>();

  async function attempt(job: ScheduledJob): Promise<void> {
    const leases = createRepos(deps.storage.db).jobLeases;
    if (!(await leases.acquire(job.name, holder, deps.clock(), job.leaseMs))) return;
    try {
      await job.run();
    } finally {
      await leases.release(job.name, holder, deps.clock());
    }
  }

  /** Tries a job now, unless this node is already running it. */
  function tick(job: ScheduledJob): Promise<void> {
    const current = running.get(job.name);
    if (current) return current;
    const run = attempt(job)
      .catch((error: unknown) => deps.onError(job.name, error))
      .finally(() => running.delete(job.name));
    running.set(job.name, run);
    return run;
  }

  const timers = jobs.map((job) => {
    const timer = setInterval(() => void tick(job), job.everyMs);
    timer.unref();
    return timer;
  });

  return {
    holder,
    /** Runs every job once now (as its interval would), resolving when they are done. */
    async tickAll(): Promise<void> {
      await Promise.all(jobs.map((job) => tick(job)));
    },
    /** Stops the timers and waits for runs in progress. */
    async stop(): Promise<void> {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running.values());
    },
  };
}

export type Scheduler = ReturnType<typeof startScheduler>;
