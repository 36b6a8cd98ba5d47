import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { createRepos } from '../../server/db/repos/index.ts';
import { AppError } from '../../server/errors/catalogue.ts';
import { ApplyError, applyDepsOf, applyProviders, readProvidersFile } from '../../server/mfa/provider-apply.ts';
import type { Services } from '../../server/services.ts';
import { withPortal } from '../context.ts';
import { CliError, cliAuditContext, EXIT, printTable } from '../io.ts';

export async function findProviderId(services: Services, nameOrId: string): Promise<number> {
  const repos = createRepos(services.storage.db);
  const record = /^\d+$/.test(nameOrId)
    ? await repos.providers.findById(Number(nameOrId))
    : await repos.providers.findByName(nameOrId);
  if (!record) throw new CliError(`no MFA provider named or numbered "${nameOrId}"`, EXIT.DATA);
  return record.id;
}

function readSecret(file: string | undefined): string {
  if (!file)
    throw new CliError(
      'give the Client Secret with --client-secret-file <file> (never on the command line)',
      EXIT.USAGE,
    );
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new CliError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code})`, EXIT.DATA);
  }
}

/** Explains a refused save (failed live check, users affected) in the terms of the CLI's flags. */
function explain(error: unknown): never {
  if (error instanceof AppError) {
    const details = error.options.details as
      | { check?: { message: string; hint: string | null }; affectedUsers?: number; usernames?: string[] }
      | undefined;
    const lines = [error.message];
    if (details?.check)
      lines.push(`check: ${details.check.message}${details.check.hint ? ` ${details.check.hint}` : ''}`);
    if (details?.affectedUsers)
      lines.push(
        `affected users (${details.affectedUsers}): ${details.usernames?.join(', ')}. Re-run with --yes to go ahead.`,
      );
    if (error.code === 'PROVIDER_UNREACHABLE') lines.push('Re-run with --save-anyway to save it regardless.');
    if (error.options.fields)
      lines.push(...Object.entries(error.options.fields).map(([field, message]) => `${field}: ${message}`));
    throw new CliError(lines.join('\n  '), error.status >= 500 ? EXIT.UNAVAILABLE : EXIT.DATA);
  }
  throw error;
}

async function confirmCount(services: Services, id: number, yes: boolean): Promise<number | undefined> {
  return yes ? (await services.providers.dependents(id)).total : undefined;
}

export function registerProviderCommands(program: Command): void {
  const provider = program.command('provider').description('manage MFA providers (Settings > MFA > Providers)');

  provider
    .command('add')
    .description('register a provider; its settings are checked live against the provider before saving')
    .argument('<type>', 'provider type: duo')
    .requiredOption('--name <name>', 'the name shown in the Providers report')
    .requiredOption('--endpoint <host>', "Duo's API hostname (api-XXXXXXXX.duosecurity.com)")
    .requiredOption('--client-id <id>', 'the Client ID of the Duo Web SDK application')
    .option('--client-secret-file <file>', 'file holding the Client Secret (never pass it on the command line)')
    .option('--disabled', 'create it disabled', false)
    .option('--save-anyway', 'save even when the live check cannot reach the provider', false)
    .action(
      async (
        type: string,
        options: {
          name: string;
          endpoint: string;
          clientId: string;
          clientSecretFile?: string;
          disabled: boolean;
          saveAnyway: boolean;
        },
      ) => {
        const clientSecret = readSecret(options.clientSecretFile);
        await withPortal(async (services) => {
          const result = await services.providers
            .create(
              {
                type,
                name: options.name,
                enabled: !options.disabled,
                values: { endpoint: options.endpoint, clientId: options.clientId, clientSecret },
                saveAnyway: options.saveAnyway,
              },
              cliAuditContext(),
            )
            .catch(explain);
          process.stdout.write(
            `created provider ${result.provider.id} "${result.provider.name}" (${result.provider.enabled ? 'enabled' : 'disabled'}); check: ${result.check.status} — ${result.check.message}\n`,
          );
        });
      },
    );

  provider
    .command('list')
    .description('the Providers report')
    .option('--json', 'print JSON', false)
    .action(async (options: { json: boolean }) => {
      await withPortal(async (services) => {
        const { items } = await services.providers.list({ sort: 'id', order: 'asc' }, { offset: 0, limit: 100_000 });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
          return;
        }
        printTable(
          items.map((item) => ({
            id: String(item.id),
            name: item.name,
            provider: item.typeLabel,
            enabled: item.enabled ? 'yes' : 'no',
            endpoint: item.endpoint,
            'last check': item.lastCheck ? `${item.lastCheck.status} ${item.lastCheck.at}` : 'never',
            users: String(item.affectedUsers),
            'managed by': item.managedBy ?? 'console',
          })),
          ['id', 'name', 'provider', 'enabled', 'endpoint', 'last check', 'users', 'managed by'],
        );
      });
    });

  provider
    .command('test')
    .description('test the connection with the stored settings; exit 1 when it fails')
    .argument('<name-or-id>')
    .action(async (nameOrId: string) => {
      await withPortal(async (services) => {
        const check = await services.providers
          .test(await findProviderId(services, nameOrId), cliAuditContext())
          .catch(explain);
        process.stdout.write(`${check.status}: ${check.message}${check.hint ? `\n  ${check.hint}` : ''}\n`);
        if (check.status !== 'ok') process.exitCode = EXIT.FAILURE;
      });
    });

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    provider
      .command(name)
      .description(
        enabled
          ? 'enable a provider (its settings are checked live first)'
          : 'disable a provider (users who depend on it are listed; confirm with --yes)',
      )
      .argument('<name-or-id>')
      .option('--yes', 'go ahead even though users depend on it', false)
      .action(async (nameOrId: string, options: { yes: boolean }) => {
        await withPortal(async (services) => {
          const id = await findProviderId(services, nameOrId);
          const confirmAffectedUsers = await confirmCount(services, id, options.yes);
          await services.providers
            .update(
              id,
              { enabled, ...(confirmAffectedUsers !== undefined && { confirmAffectedUsers }) },
              cliAuditContext(),
            )
            .catch(explain);
          process.stdout.write(`${enabled ? 'enabled' : 'disabled'} provider ${id}\n`);
        });
      });
  }

  provider
    .command('delete')
    .description('delete a provider (users who depend on it must set up MFA again; confirm with --yes)')
    .argument('<name-or-id>')
    .option('--yes', 'go ahead even though users depend on it', false)
    .action(async (nameOrId: string, options: { yes: boolean }) => {
      await withPortal(async (services) => {
        const id = await findProviderId(services, nameOrId);
        await services.providers
          .delete(id, await confirmCount(services, id, options.yes), cliAuditContext())
          .catch(explain);
        process.stdout.write(`deleted provider ${id}\n`);
      });
    });

  provider
    .command('apply')
    .description('make the providers match a YAML file (secrets by { file: } or { env: } reference); safe to run again')
    .argument('<file>', 'providers.yaml')
    .option('--prune', 'delete providers that are not in the file', false)
    .option('--dry-run', 'say what would change, change nothing', false)
    .option('--save-anyway', 'save even when a live check cannot reach the provider', false)
    .option('--yes', 'go ahead when users depend on a provider being disabled or deleted', false)
    .action(async (file: string, options: { prune: boolean; dryRun: boolean; saveAnyway: boolean; yes: boolean }) => {
      let desired: ReturnType<typeof readProvidersFile>;
      try {
        desired = readProvidersFile(file, process.env);
      } catch (error) {
        if (error instanceof ApplyError) throw new CliError(error.message, EXIT.DATA);
        throw error;
      }
      await withPortal(async (services) => {
        const result = await applyProviders(
          desired,
          applyDepsOf(services),
          {
            prune: options.prune,
            dryRun: options.dryRun,
            saveAnyway: options.saveAnyway,
            confirmAffected: options.yes,
            source: basename(file),
          },
          cliAuditContext(),
        ).catch((error: unknown) => {
          if (error instanceof ApplyError) throw new CliError(error.message, EXIT.DATA);
          return explain(error);
        });
        const verb = options.dryRun ? 'would be ' : '';
        for (const [label, names] of Object.entries(result)) {
          if (names.length > 0) process.stdout.write(`${verb}${label}: ${names.join(', ')}\n`);
        }
        process.stdout.write(
          `${result.created.length} ${verb}created, ${result.updated.length} ${verb}updated, ${result.unchanged.length} unchanged, ${result.deleted.length} ${verb}deleted\n`,
        );
      });
    });
}
