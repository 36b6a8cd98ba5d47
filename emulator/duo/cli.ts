import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type AdminTarget, callAdminApi } from './admin-client.ts';
import { type EmulatorJson, startDuoEmulator } from './index.ts';
import type { NewUserPolicy } from './types.ts';

const USAGE = `Usage: duo-emulator [options]
       duo-emulator bypass-codes <username> [--count <n>] [--data-dir <dir>]

A local stand-in for Duo Security's Universal Prompt (Web SDK v4) and Admin API. Not the real Duo.

Options:
  --port <n>               HTTPS port on 127.0.0.1 (default 9443; 0 picks a free port)
  --data-dir <dir>         CA, certificates, users and the ready applications (default ./data/duo-emulator)
  --hostname <name>        host name in the Endpoint and the certificate (default localhost)
  --new-user-policy <p>    enroll | allow | deny: what happens to users Duo does not know (default: kept in the data dir, first run enroll)
  --push-timeout <s>       seconds a push or phone call waits for the simulated phone (default 60)
  --auth-log-delay <s>     seconds before an authentication shows in the Admin API log (default 120, as Duo)
  -h, --help               show this help

bypass-codes asks the emulator running on --data-dir for new bypass codes for a user (1 to 10, default 10) and
prints them; the user's earlier codes stop working.
`;

function fail(message: string): never {
  process.stderr.write(`duo-emulator: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        port: { type: 'string', default: '9443' },
        'data-dir': { type: 'string', default: './data/duo-emulator' },
        hostname: { type: 'string', default: 'localhost' },
        'new-user-policy': { type: 'string' },
        'push-timeout': { type: 'string' },
        'auth-log-delay': { type: 'string' },
        count: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

const seconds = (value: string | undefined, name: string, allowZero: boolean): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isFinite(n) && (allowZero ? n >= 0 : n > 0))) fail(`--${name} must be a positive number of seconds`);
  return n;
};

/** `duo-emulator bypass-codes alice`: through the running emulator's Admin API, with the ready Admin API keys. */
async function bypassCodes(username: string | undefined, dataDirArg: string, countArg: string | undefined) {
  if (!username) fail('bypass-codes needs a username');
  const count = countArg === undefined ? 10 : Number(countArg);
  if (!Number.isInteger(count) || count < 1 || count > 10) fail('--count must be 1 to 10');
  const dataDir = resolve(dataDirArg);
  const file = join(dataDir, 'emulator.json');
  if (!existsSync(file)) fail(`no emulator.json in ${dataDir}: start the emulator with --data-dir ${dataDirArg} first`);
  const json = JSON.parse(readFileSync(file, 'utf8')) as EmulatorJson;
  const target: AdminTarget = {
    endpoint: json.endpoint,
    integrationKey: json.adminIntegrationKey,
    secretKey: json.adminSecretKey,
    caPem: readFileSync(json.caFile, 'utf8'),
  };
  const found = await callAdminApi(target, 'GET', '/admin/v1/users', { username });
  const user = (found.body.response as { user_id: string }[] | undefined)?.[0];
  if (found.body.stat !== 'OK') throw new Error(`the emulator refused: ${JSON.stringify(found.body)}`);
  if (!user) throw new Error(`Duo knows no user named ${username} (users appear once enrolled or set up in tests)`);
  const made = await callAdminApi(target, 'POST', `/admin/v1/users/${user.user_id}/bypass_codes`, {
    count: String(count),
  });
  if (made.body.stat !== 'OK') throw new Error(`the emulator refused: ${JSON.stringify(made.body)}`);
  process.stdout.write(`Bypass codes for ${username} (each works once):\n`);
  for (const code of made.body.response as string[]) process.stdout.write(`  ${code}\n`);
}

async function serve(args: ReturnType<typeof parse>['values']): Promise<void> {
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${args.port}`);
  const policy = args['new-user-policy'];
  if (policy !== undefined && !['enroll', 'allow', 'deny'].includes(policy))
    fail(`--new-user-policy must be enroll, allow or deny, got ${policy}`);
  const pushTimeout = seconds(args['push-timeout'], 'push-timeout', false);
  const logDelay = seconds(args['auth-log-delay'], 'auth-log-delay', true);

  const dataDir = resolve(args['data-dir'] ?? './data/duo-emulator');
  const emulator = await startDuoEmulator({
    port,
    hostname: args.hostname ?? 'localhost',
    dataDir,
    ...(pushTimeout ? { pushTimeoutMs: pushTimeout * 1000 } : {}),
    ...(logDelay !== undefined ? { knobs: { authLogDelaySeconds: Math.round(logDelay) } } : {}),
    onRequestLog: (e) => process.stdout.write(`[duo-emulator] ${e.method} ${e.url} ${e.status} ${e.durationMs}ms\n`),
  });
  if (policy) emulator.setNewUserPolicy(policy as NewUserPolicy);

  process.stdout.write(
    [
      'Duo Security emulator (not the real Duo) is running.',
      `  Status page:     ${emulator.baseUrl}/`,
      `  CA certificate:  ${emulator.caFile}`,
      '',
      'Paste into Portcullis (Settings > MFA > Providers > Add > Duo Security):',
      `  Endpoint:        ${emulator.apiHost}`,
      `  Client ID:       ${emulator.readyClient.clientId}`,
      `  Client Secret:   ${emulator.readyClient.clientSecret}`,
      '',
      'Admin API application (same host):',
      `  Integration key: ${emulator.readyAdminApi.integrationKey}`,
      `  Secret key:      ${emulator.readyAdminApi.secretKey}`,
      '',
      `The same values, as JSON: ${join(dataDir, 'emulator.json')}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`[duo-emulator] ${signal}: shutting down\n`);
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`duo-emulator: error while closing: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function main(): Promise<void> {
  const { values, positionals } = parse(process.argv.slice(2));
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const [command, ...rest] = positionals;
  if (command === 'bypass-codes')
    return bypassCodes(rest[0], values['data-dir'] ?? './data/duo-emulator', values.count);
  if (command !== undefined) fail(`unknown command ${command}`);
  return serve(values);
}

main().catch((err: unknown) => {
  const code = (err as { code?: string }).code;
  const hint =
    code === 'EADDRINUSE'
      ? ' (the port is in use: pick another with --port)'
      : code === 'ECONNREFUSED'
        ? ' (is the emulator running on that data dir?)'
        : '';
  process.stderr.write(`duo-emulator: ${err instanceof Error ? err.message : String(err)}${hint}\n`);
  process.exit(1);
});
