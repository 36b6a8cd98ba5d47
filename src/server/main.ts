import pino from 'pino';
import { issueSetupTokenIfNeeded } from './accounts/setup-token.ts';
import { createApp } from './app.ts';
import { openPortal } from './bootstrap.ts';
import type { Config } from './config/config.ts';
import { loggerOptions } from './http/logging.ts';
import { startScheduler } from './jobs/scheduler.ts';
import { DUO_LOG_INTERVAL_MS } from './mfa/providers/duo/auth-log-import.ts';

/** The base URL people reach this node at: the Application URL when set, else the listen address. */
export function baseUrlOf(config: Config, port: number): string {
  if (config.publicUrl) return config.publicUrl.href.replace(/\/$/, '');
  const host =
    config.host === '127.0.0.1' || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `${config.tls ? 'https' : 'http'}://${host}:${port}`;
}

/**
 * The process edge for `portcullis serve`: open storage (migrating it), prove the master key, print
 * the first-run setup link if nobody can sign in yet, listen, and close gracefully on SIGTERM/SIGINT.
 */
export async function serve(
  config: Config,
  print: (line: string) => void = console.log,
): Promise<{ close(): Promise<void>; port: number }> {
  const logger = pino(loggerOptions(config.logLevel));
  const portal = await openPortal(config);
  const { fastify, services } = await createApp(config, { ...portal.deps, logger });

  await fastify.listen({ host: config.host, port: config.port });
  const address = fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = baseUrlOf(config, port);

  if (portal.keySource.kind === 'file' && portal.keySource.created) {
    print(
      `Generated a master key for sealing secrets: ${portal.keySource.path} (mode 0600). Back it up; without it stored secrets cannot be opened.`,
    );
  }
  print(`Portcullis is listening on ${base} (${portal.storage.engine}, ${config.env})`);
  const setupToken = await issueSetupTokenIfNeeded(portal.storage, services.clock());
  if (setupToken) {
    print('');
    print('No administrator exists yet. Open this one-time link to create the first one (valid 24 hours):');
    print(`  ${base}/setup#token=${setupToken}`);
    print(
      'Or, from a shell: node bin/portcullis.mjs user add --admin --username <name> --email <email> (password on stdin)',
    );
    print('');
  }

  // Expired sessions and abandoned MFA round trips are deleted hourly. Both are already refused on use;
  // this keeps the tables small and stops keeping IPs and user agents longer than needed.
  const sweeper = setInterval(() => {
    Promise.all([services.sessions.sweepExpired(), services.signIn.sweepExpired()]).catch((error: unknown) =>
      logger.warn(
        { err: { message: (error as Error).message } },
        'sweep of expired sessions and sign-in transactions failed',
      ),
    );
  }, 3_600_000);
  sweeper.unref();

  // Duo's authentication log into the audit log (ADR 0020): each node tries every minute; one runs.
  const scheduler = startScheduler(
    {
      storage: portal.storage,
      clock: services.clock,
      onError: (job, error) => logger.warn({ job, err: { message: (error as Error).message } }, 'scheduled job failed'),
    },
    [
      {
        name: 'duo-auth-log',
        everyMs: DUO_LOG_INTERVAL_MS,
        leaseMs: 5 * 60_000,
        run: async () => {
          for (const report of await services.duoAuthLog.runOnce()) {
            if (report.status === 'failed')
              logger.warn(
                { provider: report.providerId, message: report.message },
                'Duo authentication log pull failed',
              );
            else if (report.imported > 0)
              logger.info(
                { provider: report.providerId, imported: report.imported },
                'Duo authentication log imported',
              );
          }
        },
      },
    ],
  );

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      clearInterval(sweeper);
      await scheduler.stop();
      await fastify.close(); // stops accepting, lets in-flight requests finish
      await portal.close();
    })();
    return closing;
  };
  return { close, port };
}

/** Wires signals to a graceful shutdown, with a hard stop if draining hangs. */
export function closeOnSignals(server: { close(): Promise<void> }, print: (line: string) => void = console.log): void {
  const shutdown = (signal: string) => {
    print(`${signal} received: finishing in-flight requests, then stopping.`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
