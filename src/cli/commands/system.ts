import { accessSync, constants, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openPortal } from '../../server/bootstrap.ts';
import { CONFIG_VARIABLES, type Config, loadConfig } from '../../server/config/config.ts';
import { verifyCanary } from '../../server/crypto/canary.ts';
import { keyFilePath, keyFileTooOpen, loadKeyring } from '../../server/crypto/master-keys.ts';
import { createSecretBox } from '../../server/crypto/secret-box.ts';
import { openStorage } from '../../server/db/database.ts';
import { migrateToLatest, pendingMigrations } from '../../server/db/migrate.ts';
import { createRepos } from '../../server/db/repos/index.ts';
import { closeOnSignals, serve } from '../../server/main.ts';
import { createServices } from '../../server/services.ts';
import { configFromEnvironment } from '../context.ts';
import { EXIT } from '../io.ts';

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
 * The same diagnostics as Settings > System (DNS, certificate, Duo reachable directly, clock). They
 * fail the doctor only once an MFA provider is enabled: before that, they are advice.
 */
async function printMfaDiagnostics(config: Config): Promise<boolean> {
  const portal = await openPortal(config, { migrate: false });
  try {
    const services = createServices(config, portal.deps);
    const inUse = (await createRepos(portal.storage.db).providers.all()).some((provider) => provider.enabled);
    const symbol = { pass: 'ok  ', warn: 'warn', fail: inUse ? 'FAIL' : 'todo', skipped: '--  ' } as const;
    const results = await services.diagnostics.run();
    for (const check of results) {
      process.stdout.write(
        `${symbol[check.status]}  ${check.label}: ${check.message}${check.fix && check.status !== 'pass' ? ` — ${check.fix}` : ''}\n`,
      );
    }
    await services.providerRuntime.closeAll();
    return !inUse || results.every((check) => check.status !== 'fail');
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
