import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

/** Clock ticks per second for /proc/<pid>/stat (getconf CLK_TCK; 100 on Linux x86-64). */
export const CLK_TCK = (() => {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a whole process (all threads, including libuv's hashing threads), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  return (utime + stime) / CLK_TCK;
}

/**
 * The same process's CPU in nanoseconds from the scheduler (sum of every thread's sum_exec_runtime):
 * exact, not sampled at clock ticks, so usable for a few milliseconds' step. Threads that already
 * exited are not included, which is fine for short windows.
 */
export function cpuNanos(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between readdir and read
    }
  }
  return total;
}

/** Resident memory now and at its peak, in MiB (VmRSS, VmHWM from /proc/<pid>/status). */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

export function machine() {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    clockTicks: CLK_TCK,
  };
}
export type Machine = ReturnType<typeof machine>;

/** How busy the machine is with other work: load average and Linux pressure-stall info for CPU. */
export function load() {
  let cpuPressure = 'n/a';
  try {
    const some = /^some avg10=[\d.]+ avg60=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    if (some) cpuPressure = `${some[1]} %`;
  } catch {
    // no PSI on this kernel
  }
  return {
    loadAverage: loadavg()
      .map((value) => value.toFixed(2))
      .join(' '),
    cpuPressure,
  };
}
export type Load = ReturnType<typeof load>;
