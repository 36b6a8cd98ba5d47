import type { Goal } from './goals.ts';
import type { HashBaseline } from './hash.ts';
import { STEP_LABELS } from './login.ts';
import type { EngineResult } from './measure.ts';
import type { Load, Machine } from './proc.ts';
import type { SqlCountResult } from './sql-count.ts';
import { formatSpread } from './stats.ts';
import { header, table } from './tables.ts';

export interface Report {
  date: string;
  machine: Machine;
  method: { logins: number; runs: number; warmup: number; browsers: number };
  hash: HashBaseline;
  keycloakHash: HashBaseline;
  engines: EngineResult[];
  sql: SqlCountResult[];
  notes: string[];
  goals: Goal[];
  load: { start: Load; end: Load };
}

const f = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

export function render(report: Report): string {
  const out: string[] = [...header('sign-in', report)];
  out.push(
    `Method: portal = child process \`node bin/portcullis.mjs serve\` (the build); its CPU = utime+stime (/proc/<pid>/stat) before/after each run. ` +
      `Duo emulator = another child (not counted). This process plays the browsers. ${report.method.logins} sign-ins per run, ` +
      `${report.method.browsers} browsers at once, ${report.method.runs} runs (min / median / max below; goals are judged on the median), after ${report.method.warmup} warm-up sign-ins of each kind.`,
    '',
  );
  const h = report.hash;
  out.push(`## Hash baseline (this process, @node-rs/argon2, 2 verifies at once)`, '');
  out.push(
    table(
      [
        'Parameters',
        'CPU per verify (min / median / max)',
        'Hashes per CPU-s (median)',
        'Latency p50 / p95 (one at a time)',
      ],
      [h, report.keycloakHash].map((x) => [
        x.params,
        formatSpread(x.runs, 2, 'ms'),
        f(x.hashesPerCpuSecond),
        `${f(x.latencyP50Ms)} / ${f(x.latencyP95Ms)} ms`,
      ]),
    ),
    '',
  );
  for (const engine of report.engines) {
    const { password, duo } = engine.throughput;
    out.push(`## ${engine.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`, '');
    const perHash = (runs: number[]) => runs.map((run) => run / h.cpuMsPerHash);
    const perCpuSecond = (runs: number[]) => runs.map((run) => 1000 / run);
    const rows = [
      ['Password-only login (policy off, no MFA)', password] as const,
      ['Full login with Duo', duo] as const,
    ].map(([label, t]) => [
      label,
      formatSpread(t.cpuMsRuns, 2, 'ms'),
      formatSpread(perCpuSecond(t.cpuMsRuns), 1),
      formatSpread(perHash(t.cpuMsRuns), 2),
      formatSpread(t.wallRuns, 1),
    ]);
    out.push(
      table(
        [
          'Sign-in (min / median / max over runs)',
          'Portal CPU / login',
          'Logins / CPU-s',
          '÷ median hash',
          'Wall logins/s',
        ],
        rows,
      ),
      '',
    );
    const extra: string[] = [
      `Duo emulator CPU per full login (not counted above): ${formatSpread(duo.emulatorCpuMsRuns, 2, 'ms')}.`,
    ];
    for (const [label, t] of [
      ['password-only', password],
      ['full', duo],
    ] as const) {
      const d = t.loaded.loopDelay;
      extra.push(
        `Under load (${label}): portal event-loop delay p50 ${f(d.p50)} ms, p99 ${f(d.p99)} ms, max ${f(d.max)} ms; ` +
          `password step p99 ${f(t.loaded.passwordStepP99)} ms${t.loaded.callbackStepP99 === null ? '' : `, callback p99 ${f(t.loaded.callbackStepP99)} ms`}.`,
      );
    }
    if (duo.dbCpuMs !== null)
      extra.push(
        `PostgreSQL backends' CPU per login (not counted above): password-only ${formatSpread(password.dbCpuMsRuns, 2, 'ms')}, full ${formatSpread(duo.dbCpuMsRuns, 2, 'ms')}.`,
      );
    out.push(...extra, '');
    for (const kind of ['password', 'duo'] as const) {
      const lat = engine.latency[kind];
      out.push(
        `Latency at concurrency 1, ${kind === 'duo' ? 'full login' : 'password-only login'} (wall as the browser sees it; portal CPU from schedstat):`,
        '',
      );
      out.push(
        table(
          ['Step', 'p50', 'p95', 'Portal CPU (mean)'],
          [
            ...lat.steps.map((step) => [
              STEP_LABELS[step.step] ?? step.step,
              `${f(step.p50, 2)} ms`,
              `${f(step.p95, 2)} ms`,
              `${f(step.cpuMs, 2)} ms`,
            ]),
            ['Total', `${f(lat.totalP50, 2)} ms`, `${f(lat.totalP95, 2)} ms`, `${f(lat.cpuMs, 2)} ms`],
          ],
        ),
        '',
      );
    }
    const r = engine.requests;
    out.push(
      table(
        ['Request', 'Portal CPU / request (min / median / max)', 'Requests / CPU-s (median)'],
        [r.healthz, r.me].map((x) => [
          `GET ${x.path}${x.path === '/api/me' ? ' (session cookie)' : ''}`,
          formatSpread(
            x.cpuUsRuns.map((us) => us / 1000),
            3,
            'ms',
          ),
          f(x.requestsPerCpuSecond, 0),
        ]),
      ),
      '',
    );
    out.push(
      `Memory (one portal start; \`npm run bench -- startup\` has idle RSS over several): RSS idle ${f(engine.memoryMiB.idle)} MiB, after the sign-ins ${f(engine.memoryMiB.after)} MiB, peak ${f(engine.memoryMiB.peak)} MiB.`,
      '',
    );
  }
  for (const sql of report.sql) {
    const row = (request: string, step: string, c: SqlCountResult['total'], last = c.writeSql.join('; ')) => [
      request,
      step,
      String(c.statements),
      String(c.reads),
      String(c.writes),
      String(c.commits),
      last,
    ];
    out.push(`## P11 — SQL per full login, ${sql.engine} (in-process, openPortal onQuery hook)`, '');
    out.push(
      table(
        ['Request', 'Step', 'Statements', 'Reads', 'Writes', 'Commits', 'Write statements'],
        [
          ...sql.steps.map((s) => row(s.request, s.step === 'setup' ? '(request handling: hooks)' : s.step, s)),
          row('Total, full login', '', sql.total, `${sql.total.transactions} transactions`),
          row('Password-only login', '', sql.passwordOnly),
          row('GET /api/me (P9)', '', sql.sessionCheck),
        ],
      ),
      '',
    );
  }
  out.push(
    'P11 method: every statement Kysely sends reaches the hook (BEGIN and COMMIT too). Writes = statements starting with insert/update/delete (or a CTE doing one). ' +
      "Commits = explicit COMMITs + writes outside a transaction (each autocommits). The measured login is the user's second (steady state); " +
      'steps are attributed by wrapping service methods from the outside (no server change).',
    '',
  );
  out.push('## Goals P1–P12 (bench/README.md)', '');
  out.push(
    table(
      ['Goal', 'Engine', 'Figure', 'Value', 'Target', 'Verdict'],
      report.goals.map((g) => [g.id, g.engine, g.figure, g.value, g.goal, g.met ? 'met' : 'MISSED']),
    ),
    '',
  );
  const missed = report.goals.filter((goal) => !goal.met);
  out.push(
    missed.length === 0
      ? 'All measured goals are met.'
      : `NOTE: ${missed.length} goal(s) missed: ${missed.map((g) => `${g.id} (${g.engine}: ${g.figure} = ${g.value}, target ${g.goal})`).join('; ')}.`,
  );
  out.push('', ...report.notes.map((note) => `- ${note}`));
  return out.join('\n');
}
