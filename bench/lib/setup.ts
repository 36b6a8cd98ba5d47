import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Agents, Browser, expectStatus } from './browser.ts';
import { type Child, npmStartFlags, runCli, startNode } from './children.ts';

export const PASSWORD = 'bench-correct-horse-battery-7';

export interface Emulator {
  child: Child;
  endpoint: string;
  clientId: string;
  clientSecret: string;
  caFile: string;
  caPem: string;
}

/** The Duo emulator as its own process (its JWT signing and TLS are not the portal's CPU). */
export async function startEmulator(dataDir: string): Promise<Emulator> {
  mkdirSync(dataDir, { recursive: true });
  const child = await startNode(
    'Duo emulator',
    ['bin/duo-emulator.mjs', '--port', '0', '--data-dir', dataDir, '--new-user-policy', 'allow'],
    {},
    /Press Ctrl\+C to stop/,
  );
  const saved = JSON.parse(readFileSync(join(dataDir, 'emulator.json'), 'utf8')) as {
    endpoint: string;
    clientId: string;
    clientSecret: string;
    caFile: string;
  };
  return { child, ...saved, caPem: readFileSync(saved.caFile, 'utf8') };
}

export interface PortalUnderTest {
  child: Child;
  base: string;
  engine: string;
  providerId: number;
  passwordUsers: string[];
  duoUsers: string[];
  /** Where the preloaded loop-delay probe writes its summary on SIGUSR2. */
  loopDelayFile: string;
  /** RSS right after start, before any sign-in. */
  idleMiB: { rss: number; peak: number };
}

/**
 * A portal as an operator would set it up: users from the CLI (password on stdin), `serve` as a child
 * process, then the Application URL and the Duo provider through the admin API, and each Duo user's
 * own "Configure MFA" round trip from My account.
 */
export async function startPortal(options: {
  dataDir: string;
  databaseUrl: string;
  emulator: Emulator;
  agents: Agents;
  usersPerKind: number;
  memoryOf: (pid: number) => { rss: number; peak: number };
  say: (line: string) => void;
  /** Run the portal under V8's profiler, writing a .cpuprofile here when it stops. */
  cpuProfileDir?: string;
}): Promise<PortalUnderTest> {
  const env = {
    PORTCULLIS_ENV: 'test',
    PORTCULLIS_DATA_DIR: options.dataDir,
    PORTCULLIS_DATABASE_URL: options.databaseUrl,
    PORTCULLIS_LOG_LEVEL: 'warn',
    PORTCULLIS_DUO_CA_FILE: options.emulator.caFile,
    PORTCULLIS_HOST: '127.0.0.1',
    PORTCULLIS_PORT: '0',
  };
  const addUser = (username: string, admin = false) =>
    runCli(
      ['user', 'add', '--username', username, '--email', `${username}@bench.example`, ...(admin ? ['--admin'] : [])],
      env,
      `${PASSWORD}\n`,
    );
  const passwordUsers = Array.from({ length: options.usersPerKind }, (_, i) => `pw${i + 1}`);
  const duoUsers = Array.from({ length: options.usersPerKind }, (_, i) => `duo${i + 1}`);
  options.say('creating users with `portcullis user add`');
  await addUser('admin', true); // first: migrates the database and writes the master key
  await Promise.all([...passwordUsers, ...duoUsers].map((username) => addUser(username)));

  options.say('starting `portcullis serve`');
  const loopDelayFile = join(options.dataDir, 'loop-delay.json');
  const child = await startNode(
    'portal',
    [
      ...npmStartFlags(), // as npm start and the systemd unit run it
      ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
      '--import',
      pathToFileURL(join(import.meta.dirname, 'loop-delay.mjs')).href,
      'bin/portcullis.mjs',
      'serve',
    ],
    { ...env, BENCH_LOOP_DELAY_FILE: loopDelayFile },
    /listening on https?:\/\/[^:\s]+:(\d+) \((\w+)/,
  );
  const base = `http://127.0.0.1:${child.ready[1]}`;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idleMiB = options.memoryOf(child.pid);

  options.say('registering the Duo emulator through the admin API');
  const admin = new Browser(base, options.agents);
  await admin.fetchCsrf();
  expectStatus(
    'admin sign-in',
    await admin.portal('POST', '/api/auth/login', { json: { username: 'admin', password: PASSWORD } }),
    200,
  );
  await admin.fetchCsrf(); // the token is bound to the new session
  expectStatus(
    'set the Application URL',
    await admin.portal('PUT', '/api/admin/settings/application-url', {
      json: { applicationUrl: `http://localhost:${child.ready[1]}` },
    }),
    200,
  );
  const created = expectStatus(
    'register Duo',
    await admin.portal('POST', '/api/admin/mfa/providers', {
      json: {
        type: 'duo',
        name: 'Duo Security',
        enabled: true,
        values: {
          endpoint: options.emulator.endpoint,
          clientId: options.emulator.clientId,
          clientSecret: options.emulator.clientSecret,
        },
      },
    }),
    201,
  );
  const providerId = (JSON.parse(created.body) as { provider: { id: number } }).provider.id;

  options.say('configuring Duo for the MFA users (My account > Configure MFA)');
  for (const username of duoUsers) {
    const user = new Browser(base, options.agents);
    await user.fetchCsrf();
    expectStatus(
      'sign-in',
      await user.portal('POST', '/api/auth/login', { json: { username, password: PASSWORD } }),
      200,
    );
    await user.fetchCsrf();
    const configure = expectStatus(
      'configure MFA',
      await user.portal('POST', '/api/me/mfa/configure', { json: { providerId } }),
      200,
    );
    const back = expectStatus(
      'Duo enrolment',
      await user.duo((JSON.parse(configure.body) as { redirectTo: string }).redirectTo),
      302,
      303,
    );
    const done = expectStatus('MFA callback', await user.portal('GET', back.location ?? ''), 303);
    if (done.location !== '/account?mfa=configured') throw new Error(`configuring Duo ended at ${done.location}`);
  }
  return { child, base, engine: child.ready[2] ?? '?', providerId, passwordUsers, duoUsers, idleMiB, loopDelayFile };
}

/** The session a browser ended with, as the console sees it (to prove the flows do what they claim). */
export async function authLevelOf(browser: Browser): Promise<string | null> {
  const reply = await browser.portal('GET', '/api/session');
  return (JSON.parse(reply.body) as { session: { authLevel: string } | null }).session?.authLevel ?? null;
}

export interface LoopDelay {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/** Asks the portal's preloaded probe for the event-loop delay since the last ask (and resets it). */
export async function loopDelay(portal: PortalUnderTest): Promise<LoopDelay> {
  const read = () => {
    try {
      return JSON.parse(readFileSync(portal.loopDelayFile, 'utf8')) as LoopDelay & { seq: number };
    } catch {
      return null;
    }
  };
  const before = read()?.seq ?? 0;
  process.kill(portal.child.pid, 'SIGUSR2');
  for (let i = 0; i < 100; i += 1) {
    const now = read();
    if (now && now.seq > before) return now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the event-loop delay probe in the portal did not answer');
}
