/**
 * What forward-auth costs the portal, through real nginx: the portal's CPU per check and checks per
 * portal CPU-second, beside `GET /healthz` through the same nginx. Prints figures (min / median / max
 * over the runs, with the machine's load); never passes or fails on time. See bench/README.md.
 *   npm run bench:forward-auth [-- --requests 3000 --runs 5 --concurrency 8 --warmup 500 --json]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { freePort, startEchoApp, startNginx } from '../test/helpers/proxies.ts';
import { createProxyBrowser } from '../test/helpers/proxy-browser.ts';
import { runCli, startNode } from './lib/children.ts';
import { cleanupAll, installSignalHandlers, onCleanup, wasInterrupted } from './lib/cleanup.ts';
import { cpuNanos, load, machine } from './lib/proc.ts';
import { median } from './lib/stats.ts';

const DOMAIN = 'portcullis.test';
const PASSWORD = 'bench-correct-horse-battery-7';

function options() {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '3000' },
      runs: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '500' },
      json: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run bench:forward-auth -- [--requests 3000] [--runs 5] [--concurrency 8] [--warmup 500] [--json] [--cpu-prof <dir>]\n',
    );
    process.exit(0);
  }
  const int = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  return {
    requests: int('requests', values.requests, 10),
    runs: int('runs', values.runs, 1),
    concurrency: int('concurrency', values.concurrency, 1),
    warmup: int('warmup', values.warmup, 0),
    json: values.json,
    cpuProfileDir: values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined,
  };
}

const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** `count` GETs at `concurrency`, keep-alive; the portal's CPU (all threads, from schedstat) around them. */
async function measure(
  pid: number,
  agent: Agent,
  target: { url: string; host: string; cookie?: string },
  count: number,
  concurrency: number,
) {
  let next = 0;
  let failures = 0;
  const headers = { host: target.host, ...(target.cookie && { cookie: target.cookie }) };
  const worker = async () => {
    while (next < count) {
      next += 1;
      const response = await request(target.url, { dispatcher: agent, headers });
      await response.body.dump();
      if (response.statusCode !== 200) failures += 1;
    }
  };
  const cpuBefore = cpuNanos(pid);
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallNs = Number(process.hrtime.bigint() - started);
  const cpuNs = cpuNanos(pid) - cpuBefore;
  if (failures > 0) throw new Error(`${failures} of ${count} requests to ${target.url} did not answer 200`);
  return {
    cpuMsPerRequest: cpuNs / 1e6 / count,
    perCpuSecond: count / (cpuNs / 1e9),
    perWallSecond: count / (wallNs / 1e9),
  };
}

const spread = (values: number[]) => ({ min: Math.min(...values), median: median(values), max: Math.max(...values) });
const fixed = (value: number, digits: number) => value.toFixed(digits);

async function main(): Promise<void> {
  const opts = options();
  installSignalHandlers();
  const root = mkdtempSync(join(tmpdir(), 'portcullis-bench-fa-'));
  onCleanup(
    `remove ${root}`,
    () => rmSync(root, { recursive: true, force: true }),
    () => rmSync(root, { recursive: true, force: true }),
  );
  const loadAtStart = load();
  const port = await freePort();
  // A port of its own: with PORTCULLIS_PUBLIC_URL set, serve prints that URL, not where it listens.
  const portalPort = await freePort();
  const portal = `https://auth.${DOMAIN}:${port}`;
  const app = `https://grafana.${DOMAIN}:${port}`;
  const env = {
    PORTCULLIS_ENV: 'test',
    PORTCULLIS_DATA_DIR: root,
    PORTCULLIS_LOG_LEVEL: 'warn',
    PORTCULLIS_HOST: '127.0.0.1',
    PORTCULLIS_PORT: String(portalPort),
    PORTCULLIS_TRUSTED_PROXIES: '127.0.0.1',
    PORTCULLIS_COOKIE_DOMAIN: DOMAIN,
    PORTCULLIS_PUBLIC_URL: portal,
  };

  say('set-up through the CLI: a user, a group, an application with two rules');
  await runCli(['user', 'add', '--username', 'reader', '--email', 'reader@bench.example'], env, `${PASSWORD}\n`);
  await runCli(['group', 'add', 'readers'], env);
  await runCli(['group', 'add-members', 'readers', 'reader'], env);
  const appsFile = join(root, 'apps.yaml');
  writeFileSync(
    appsFile,
    `applications:
  - name: Grafana
    urls: [grafana.${DOMAIN}]
    rules:
      - who: everyone
        requirement: deny
        networks: [192.0.2.0/24]
      - who: { groups: [readers] }
        requirement: password
    headers: { jwt: false }
`,
  );
  await runCli(['app', 'apply', appsFile], env);

  say('starting `portcullis serve`, the application and nginx');
  const child = await startNode('portal', ['bin/portcullis.mjs', 'serve'], env, /listening on \S+ \((\w+)/);
  const echo = await startEchoApp();
  onCleanup('stop the application', () => echo.close());
  const nginx = await startNginx({ port, portals: [`127.0.0.1:${portalPort}`], app: echo.address });
  onCleanup('stop nginx', () => nginx.close());

  say('signing in through nginx');
  const browser = createProxyBrowser({ port, caPem: nginx.caPem });
  const session = await browser.get(`${portal}/api/session`);
  if (session.status !== 200)
    throw new Error(`the portal did not answer through nginx (${session.status}): ${session.body} ${nginx.log()}`);
  const returnTo = `/access/continue?rd=${encodeURIComponent(`${app}/`)}`;
  const login = await browser.post(
    `${portal}/api/auth/login`,
    { username: 'reader', password: PASSWORD, returnTo },
    { 'x-csrf-token': session.json<{ csrfToken: string }>().csrfToken },
  );
  if (login.json<{ status: string }>().status !== 'signed_in') throw new Error(`sign-in failed: ${login.body}`);
  await browser.get(`${portal}${returnTo}`);
  const proxyCookie = browser.cookiesFor(`grafana.${DOMAIN}`)[0];
  if (!proxyCookie) throw new Error('no forward-auth cookie after sign-in');
  const check = {
    url: `https://127.0.0.1:${port}/dashboard`,
    host: `grafana.${DOMAIN}:${port}`,
    cookie: `${proxyCookie.name}=${proxyCookie.value}`,
  };
  const healthz = { url: `https://127.0.0.1:${port}/healthz`, host: `auth.${DOMAIN}:${port}` };
  const agentFor = (host: string) =>
    new Agent({
      keepAliveTimeout: 30_000,
      connections: opts.concurrency,
      connect: { ca: nginx.caPem, servername: host.split(':')[0] },
    });
  const agents = { check: agentFor(check.host), healthz: agentFor(healthz.host) };
  onCleanup('close the load agents', async () => {
    await agents.check.close();
    await agents.healthz.close();
  });

  say(`warm-up: ${opts.warmup} of each`);
  await measure(child.pid, agents.check, check, Math.max(opts.warmup, 10), opts.concurrency);
  await measure(child.pid, agents.healthz, healthz, Math.max(opts.warmup, 10), opts.concurrency);

  const runs: Array<{ check: Awaited<ReturnType<typeof measure>>; healthz: Awaited<ReturnType<typeof measure>> }> = [];
  for (let run = 1; run <= opts.runs; run += 1) {
    say(
      `run ${run}/${opts.runs}: ${opts.requests} checks, then ${opts.requests} /healthz, at concurrency ${opts.concurrency}`,
    );
    const checked = await measure(child.pid, agents.check, check, opts.requests, opts.concurrency);
    const baseline = await measure(child.pid, agents.healthz, healthz, opts.requests, opts.concurrency);
    runs.push({ check: checked, healthz: baseline });
  }

  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    load: { atStart: loadAtStart, atEnd: load() },
    settings: { ...opts, engine: 'sqlite', proxy: 'nginx (auth_request), HTTPS, keep-alive to the portal' },
    check: {
      cpuMsPerRequest: spread(runs.map((entry) => entry.check.cpuMsPerRequest)),
      perCpuSecond: spread(runs.map((entry) => entry.check.perCpuSecond)),
      perWallSecond: spread(runs.map((entry) => entry.check.perWallSecond)),
    },
    healthz: {
      cpuMsPerRequest: spread(runs.map((entry) => entry.healthz.cpuMsPerRequest)),
      perCpuSecond: spread(runs.map((entry) => entry.healthz.perCpuSecond)),
      perWallSecond: spread(runs.map((entry) => entry.healthz.perWallSecond)),
    },
    ratio: spread(runs.map((entry) => entry.check.perCpuSecond / entry.healthz.perCpuSecond)),
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const row = (label: string, figures: { min: number; median: number; max: number }, digits: number) =>
    `| ${label} | ${fixed(figures.median, digits)} | ${fixed(figures.min, digits)} | ${fixed(figures.max, digits)} |`;
  process.stdout.write(
    [
      `## Forward-auth through nginx — ${result.date}`,
      '',
      `Machine: ${result.machine.cores} × ${result.machine.cpuModel}, Node ${result.machine.node}. Load average ${result.load.atStart.loadAverage} at the start, ${result.load.atEnd.loadAverage} at the end (CPU pressure ${result.load.atStart.cpuPressure} → ${result.load.atEnd.cpuPressure}).`,
      `Method: ${opts.runs} runs of ${opts.requests} requests each kind at concurrency ${opts.concurrency}, after ${opts.warmup} warm-up requests; portal CPU from /proc/<pid>/task/*/schedstat around each run. A check is a request to the protected application through nginx, which asks the portal (auth_request) first.`,
      '',
      '| Figure | Median | Min | Max |',
      '|---|---|---|---|',
      row('Portal CPU per check (ms)', result.check.cpuMsPerRequest, 3),
      row('Portal CPU per /healthz (ms)', result.healthz.cpuMsPerRequest, 3),
      row('Checks per portal CPU-second', result.check.perCpuSecond, 0),
      row('/healthz per portal CPU-second', result.healthz.perCpuSecond, 0),
      row('Checks ÷ /healthz (per CPU-second)', result.ratio, 2),
      row('Checks per wall second (whole chain)', result.check.perWallSecond, 0),
      '',
      `Goals (information, not a verdict): ≤ 0.3 ms of portal CPU per check — median ${fixed(result.check.cpuMsPerRequest.median, 3)} ms; ≥ 0.5 × /healthz — median ${fixed(result.ratio.median, 2)} ×.`,
      '',
    ].join('\n'),
  );
}

main()
  .catch((error: unknown) => {
    process.exitCode = 1;
    if (!wasInterrupted()) process.stderr.write(`bench: failed: ${(error as Error).stack ?? String(error)}\n`);
  })
  .finally(() => cleanupAll());
