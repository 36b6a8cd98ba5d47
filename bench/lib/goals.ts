import type { HashBaseline } from './hash.ts';
import type { EngineResult } from './measure.ts';
import type { SqlCountResult } from './sql-count.ts';

const f = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

export interface Goal {
  id: string;
  engine: string;
  figure: string;
  value: string;
  goal: string;
  met: boolean;
}

/** Every goal P1–P12 (bench/README.md) this run can judge, with the figure it was judged on. */
export function judge(hash: HashBaseline, result: EngineResult): Goal[] {
  const { password, duo } = result.throughput;
  const e = result.engine;
  const p1 = duo.cpuMs / hash.cpuMsPerHash;
  const p2 = (duo.cpuMs - password.cpuMs) / hash.cpuMsPerHash;
  const p4 = duo.loginsPerCpuSecond / hash.hashesPerCpuSecond;
  const passwordStep = result.latency.duo.steps.find((step) => step.step === 'password');
  const callback = result.latency.duo.steps.find((step) => step.step === 'callback');
  const duoRtt = result.latency.duo.steps.find((step) => step.step === 'duo-authorize')?.p50 ?? Number.NaN;
  const p5Password = 1.5 * hash.latencyP50Ms + 5;
  const p5Callback = 10 + duoRtt;
  const p9 = result.requests.me.requestsPerCpuSecond / result.requests.healthz.requestsPerCpuSecond;
  const peakLimit = result.memoryMiB.idle + 2 * 19 + 50;
  return [
    { id: 'P1', engine: e, figure: 'full login CPU ÷ hash CPU', value: f(p1, 2), goal: '≤ 1.30', met: p1 <= 1.3 },
    {
      id: 'P2',
      engine: e,
      figure: 'MFA overhead (full − password-only) ÷ hash CPU',
      value: f(p2, 2),
      goal: '≤ 0.25',
      met: p2 <= 0.25,
    },
    {
      id: 'P4',
      engine: e,
      figure: 'full logins per CPU-s ÷ hashes per CPU-s',
      value: f(p4, 2),
      goal: '≥ 0.77',
      met: p4 >= 0.77,
    },
    {
      id: 'P5',
      engine: e,
      figure: 'password step p95 (c=1, full login)',
      value: `${f(passwordStep?.p95 ?? Number.NaN)} ms`,
      goal: `≤ 1.5 × hash p50 + 5 = ${f(p5Password)} ms`,
      met: (passwordStep?.p95 ?? Number.POSITIVE_INFINITY) <= p5Password,
    },
    {
      id: 'P5',
      engine: e,
      figure: 'callback step p95 (c=1)',
      value: `${f(callback?.p95 ?? Number.NaN)} ms`,
      goal: `≤ 10 ms + Duo RTT ${f(duoRtt)} = ${f(p5Callback)} ms`,
      met: (callback?.p95 ?? Number.POSITIVE_INFINITY) <= p5Callback,
    },
    {
      id: 'P6',
      engine: e,
      figure: 'password step p99, loaded (full logins, all browsers)',
      value: `${f(duo.loaded.passwordStepP99)} ms`,
      goal: '≤ 250 ms',
      met: duo.loaded.passwordStepP99 <= 250,
    },
    {
      id: 'P6',
      engine: e,
      figure: 'event-loop delay p99, loaded (full logins)',
      value: `${f(duo.loaded.loopDelay.p99)} ms`,
      goal: '≤ 20 ms',
      met: duo.loaded.loopDelay.p99 <= 20,
    },
    {
      id: 'P9',
      engine: e,
      figure: '/api/me ÷ /healthz, requests per CPU-s',
      value: f(p9, 2),
      goal: '≥ 0.25',
      met: p9 >= 0.25,
    },
    {
      id: 'P10',
      engine: e,
      figure: 'RSS idle',
      value: `${f(result.memoryMiB.idle)} MiB`,
      goal: '≤ 150 MiB',
      met: result.memoryMiB.idle <= 150,
    },
    {
      id: 'P10',
      engine: e,
      figure: 'peak RSS (VmHWM) after all sign-ins',
      value: `${f(result.memoryMiB.peak)} MiB`,
      goal: `≤ idle + 2 × 19 + 50 = ${f(peakLimit)} MiB`,
      met: result.memoryMiB.peak <= peakLimit,
    },
  ];
}

export function judgeSql(result: SqlCountResult): Goal[] {
  return [
    {
      id: 'P11',
      engine: result.engine,
      figure: 'write statements per full login',
      value: String(result.total.writes),
      goal: '≤ 6',
      met: result.total.writes <= 6,
    },
    {
      id: 'P11',
      engine: result.engine,
      figure: 'commits per full login',
      value: String(result.total.commits),
      goal: '≤ 3',
      met: result.total.commits <= 3,
    },
  ];
}

export function judgeEngines(engines: EngineResult[]): Goal[] {
  const sqlite = engines.find((engine) => engine.engine === 'sqlite');
  const postgres = engines.find((engine) => engine.engine === 'postgres');
  if (!sqlite || !postgres) return [];
  const portalOnly = postgres.throughput.duo.cpuMs / sqlite.throughput.duo.cpuMs;
  const withDb = (postgres.throughput.duo.cpuMs + (postgres.throughput.duo.dbCpuMs ?? 0)) / sqlite.throughput.duo.cpuMs;
  return [
    {
      id: 'P12',
      engine: 'both',
      figure: 'full login CPU, PostgreSQL ÷ SQLite (portal only)',
      value: f(portalOnly, 2),
      goal: '0.80–1.20',
      met: Math.abs(portalOnly - 1) <= 0.2,
    },
    {
      id: 'P12',
      engine: 'both',
      figure: 'same, PostgreSQL backends added',
      value: f(withDb, 2),
      goal: '0.80–1.20',
      met: Math.abs(withDb - 1) <= 0.2,
    },
  ];
}
