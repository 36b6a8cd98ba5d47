import { accessSync, constants, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openPortal } from '../../server/bootstrap.ts';
import { CONFIG_VARIABLES, type Config, loadConfig } from '../../server/config/config.ts';
import { verifyCanary } from '../../server/crypto/canary.ts';
import { keyFilePath, keyFileTooOpen, loadKeyring } from '../../server/crypto/master-keys.ts';
import { createSecretBox, type SecretBox } from '../../server/crypto/secret-box.ts';
import { openStorage } from '../../server/db/database.ts';
import { migrateToLatest, pendingMigrations } from '../../server/db/migrate.ts';
import { createRepos } from '../../server/db/repos/index.ts';
import type { ProviderRecord } from '../../server/db/repos/providers-repo.ts';
import { closeOnSignals, serve } from '../../server/main.ts';
import { openSecrets } from '../../server/mfa/provider-runtime.ts';
import { providerTypeOf } from '../../server/mfa/registry.ts';
import { createServices } from '../../server/services.ts';
import type { Diagnostic } from '../../shared/api/mfa.ts';
import { configFromEnvironment } from '../context.ts';
import { EXIT, printDiagnostics } from '../io.ts';

type Check = { name: string; ok: boolean; detail: string };

async function doctorChecks(config: Config): Promise<Check[]> {
  const checks: Check[] = [
    { name: 'configuration', ok: true, detail: `${config.env}, listening on ${config.host}:${config.port}` },
  ];
  try {
    accessSync(config.dataDir, constants.W_OK);
    checks.push({ name: 'data folder', ok: true, detail: `${config.dataDir} is writable` });
  } catch {
    checks.push({
      name: 'data folder',
      ok: existsSync(config.dataDir) === false,
      detail: existsSync(config.dataDir)
        ? `${config.dataDir} is not writable`
        : `${config.dataDir} will be created on first start`,
    });
  }
  if (config.tls) {
    for (const file of [config.tls.certFile, config.tls.keyFile]) {
      const readable = existsSync(file);
      checks.push({ name: 'TLS file', ok: readable, detail: readable ? file : `${file} does not exist` });
    }
  }
  const storage = openStorage(config.databaseUrl);
  try {
    await storage.ping();
    checks.push({ name: 'database', ok: true, detail: `${storage.engine} reachable` });
    const pending = await pendingMigrations(storage);
    checks.push({
      name: 'migrations',
      ok: true,
      detail: pending.length
        ? `${pending.length} pending (applied at next start or by "portcullis migrate"): ${pending.join(', ')}`
        : 'up to date',
    });
    if (!config.secretKeys && !existsSync(keyFilePath(config.dataDir))) {
      checks.push({
        name: 'master key',
        ok: true,
        detail: `${keyFilePath(config.dataDir)} will be generated on first start`,
      });
    } else {
      const { keyring, source } = loadKeyring({ spec: config.secretKeys, dataDir: config.dataDir });
      const open = source.kind === 'file' && keyFileTooOpen(source.path);
      checks.push({
        name: 'master key',
        ok: !open,
        detail: open
          ? `${keyFilePath(config.dataDir)} is readable by other users: chmod 600 it`
          : `version ${keyring.active} from ${source.kind === 'file' ? source.path : 'PORTCULLIS_SECRET_KEYS'}`,
      });
      if (pending.length === 0) {
        await verifyCanary(storage, createSecretBox(keyring), Date.now());
        checks.push({ name: 'key canary', ok: true, detail: 'this node can open the stored secrets' });
      }
    }
  } catch (error) {
    checks.push({ name: 'database/keys', ok: false, detail: (error as Error).message });
  } finally {
    await storage.close();
  }
  checks.push({
    name: 'Application URL',
    ok: true,
    detail: config.publicUrl ? config.publicUrl.href : 'not set in the environment (Settings > System)',
  });
  return checks;
}

/**
 * Enabled providers whose stored settings this node's own mode refuses (issue 13.6): typically a
 * doctor run without the server's environment, in production mode, on a portal that runs in
 * development mode with the emulator. The diagnostics would blame the stored secret; the cause is
 * the mode, found with the rules a save applies (the type's own parse).
 */
function refusedByThisMode(config: Config, secretBox: SecretBox, records: ProviderRecord[]): Diagnostic[] {
  const allowCustomHosts = config.env !== 'production';
  return records.flatMap((record) => {
    const type = providerTypeOf(record.type);
    if (!type) return [];
    let secrets: Record<string, string> = {};
    try {
      secrets = openSecrets(secretBox, record);
    } catch {
      return []; // a secret that does not open is what the diagnostics report
    }
    const parsed = type.parse({ ...record.config, ...secrets }, { allowCustomHosts, requireSecrets: false });
    if (parsed.ok) return [];
    return [
      {
        id: `mode:${record.id}`,
        label: `${record.name}: settings`,
        status: 'fail' as const,
        message: `this node runs in ${config.env} mode (PORTCULLIS_ENV), which refuses them: ${Object.values(parsed.fields).join(' ')}`,
        fix: allowCustomHosts
          ? null
          : 'if the server runs in development or test mode (the Duo emulator), run the doctor with the same environment, e.g. PORTCULLIS_ENV=development.',
      },
    ];
  });
}

/**
 * The same diagnostics as Settings > System (DNS, certificate, Duo reachable directly, clock). They
 * fail the doctor only once an MFA provider is enabled: before that, they are advice.
 */
async function printMfaDiagnostics(config: Config): Promise<boolean> {
  const portal = await openPortal(config, { migrate: false });
  try {
    const services = createServices(config, portal.deps);
    const enabled = (await createRepos(portal.storage.db).providers.all()).filter((provider) => provider.enabled);
    const refused = refusedByThisMode(config, portal.deps.secretBox, enabled);
    const refusedIds = new Set(refused.map((check) => check.id.slice('mode:'.length)));
    // Checks of a provider this mode refuses would name a false cause: its own line replaces them.
    const results = [
      ...(await services.diagnostics.run()).filter((check) => !refusedIds.has(check.id.split(':')[1] ?? '')),
      ...refused,
    ];
    printDiagnostics(results, { failLabel: enabled.length > 0 ? 'FAIL' : 'todo' });
    await services.providerRuntime.closeAll();
    return enabled.length === 0 || results.every((check) => check.status !== 'fail');
  } finally {
    await portal.close();
  }
}

export function registerSystemCommands(program: Command): void {
  program
    .command('serve')
    .description('run the portal (migrates the database first)')
    .action(async () => {
      const config = configFromEnvironment();
      const server = await serve(config);
      closeOnSignals(server);
    });

  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(async () => {
      const storage = openStorage(configFromEnvironment().databaseUrl);
      try {
        const applied = await migrateToLatest(storage);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database already up to date\n');
      } finally {
        await storage.close();
      }
    });

  program
    .command('doctor')
    .description('check configuration, storage and keys; exit 1 when something needs fixing')
    .action(async () => {
      const config = loadConfig(process.env);
      const checks = await doctorChecks(config);
      for (const check of checks)
        process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}\n`);
      // MFA diagnostics need the master key to open provider secrets; before the first start there is nothing to check.
      const keyReady = Boolean(config.secretKeys) || existsSync(keyFilePath(config.dataDir));
      const healthy = checks.every((check) => check.ok) && (!keyReady || (await printMfaDiagnostics(config)));
      process.exitCode = healthy ? EXIT.OK : EXIT.FAILURE;
    });

  program
    .command('config')
    .description('list the environment variables Portcullis reads (each also accepts <NAME>_FILE)')
    .action(() => {
      for (const variable of CONFIG_VARIABLES)
        process.stdout.write(`${variable.name}\n    ${variable.meaning} (default: ${variable.fallback})\n`);
    });
}
