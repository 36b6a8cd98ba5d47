import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startDuoEmulator } from './index.ts';
import type { NewUserPolicy } from './types.ts';

const USAGE = `Usage: npm run duo-emulator -- [options]

A local stand-in for Duo Security's Universal Prompt (Web SDK v4). Not the real Duo.

Options:
  --port <n>               HTTPS port on 127.0.0.1 (default 9443; 0 picks a free port)
  --data-dir <dir>         CA, certificates, users and the ready client (default ./data/duo-emulator)
  --hostname <name>        host name in the Endpoint and the certificate (default localhost)
  --new-user-policy <p>    enroll | allow | deny: what happens to users Duo does not know (default: kept in the data dir, first run enroll)
  --push-timeout <s>       seconds a push waits for the simulated phone (default 60)
  -h, --help               show this help
`;

function fail(message: string): never {
  process.stderr.write(`duo-emulator: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '9443' },
        'data-dir': { type: 'string', default: './data/duo-emulator' },
        hostname: { type: 'string', default: 'localhost' },
        'new-user-policy': { type: 'string' },
        'push-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

async function main(): Promise<void> {
  const args = parse();
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${args.port}`);
  const policy = args['new-user-policy'];
  if (policy !== undefined && !['enroll', 'allow', 'deny'].includes(policy))
    fail(`--new-user-policy must be enroll, allow or deny, got ${policy}`);
  const pushTimeout = args['push-timeout'] === undefined ? undefined : Number(args['push-timeout']);
  if (pushTimeout !== undefined && !(pushTimeout > 0)) fail('--push-timeout must be a positive number of seconds');

  const dataDir = resolve(args['data-dir']);
  const emulator = await startDuoEmulator({
    port,
    hostname: args.hostname,
    dataDir,
    ...(pushTimeout ? { pushTimeoutMs: pushTimeout * 1000 } : {}),
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

main().catch((err: unknown) => {
  const code = (err as { code?: string }).code;
  const hint = code === 'EADDRINUSE' ? ' (the port is in use: pick another with --port)' : '';
  process.stderr.write(`duo-emulator: ${err instanceof Error ? err.message : String(err)}${hint}\n`);
  process.exit(1);
});
