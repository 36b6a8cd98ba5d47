import type { Command } from 'commander';
import { createRepos } from '../../server/db/repos/index.ts';
import { isoTime, isoTimeOrNull } from '../../server/iso-time.ts';
import { usernameSchema } from '../../shared/api/fields.ts';
import { withPortal } from '../context.ts';
import { CliError, cliAuditContext, EXIT, printTable } from '../io.ts';

type Services = Parameters<Parameters<typeof withPortal>[0]>[0];

async function userIdOf(services: Services, username: string): Promise<number> {
  const parsed = usernameSchema.safeParse(username);
  const user = parsed.success ? await createRepos(services.storage.db).users.findByUsername(parsed.data) : undefined;
  if (!user) throw new CliError(`no user named "${username}"`, EXIT.DATA);
  return user.id;
}

/** `portcullis factor …`: a user's MFA methods, as Settings › Users › MFA methods shows them. */
export function registerFactorCommands(program: Command): void {
  const factor = program
    .command('factor')
    .description("a user's MFA methods (Duo, authenticator apps, recovery codes)");

  factor
    .command('list')
    .description("list a user's MFA methods (never a secret)")
    .argument('<username>')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (username: string, options: { json: boolean }) => {
      await withPortal(async (services) => {
        const factors = await services.factors.list(await userIdOf(services, username));
        const rows = factors.map((each) => ({
          id: each.id,
          type: each.type,
          method: each.method,
          label: each.label,
          provider: each.provider?.name ?? null,
          default: each.isDefault,
          createdAt: isoTime(each.createdAt),
          lastUsedAt: isoTimeOrNull(each.lastUsedAt),
          remaining: each.remaining,
        }));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write(`"${username}" has no MFA method set up\n`);
          return;
        }
        printTable(
          rows.map((row) => ({
            id: row.id,
            method: row.method,
            name: row.remaining === null ? row.label : `${row.label} (${row.remaining} left)`,
            default: row.default ? 'yes' : '',
            added: row.createdAt,
            'last used': row.lastUsedAt ?? 'never',
          })),
          ['id', 'method', 'name', 'default', 'added', 'last used'],
        );
      });
    });

  factor
    .command('remove')
    .description("remove one of a user's MFA methods (a lost phone); all of their sessions end")
    .argument('<username>')
    .argument('<id>', 'the method id, from "factor list"')
    .action(async (username: string, id: string) => {
      await withPortal(async (services) => {
        const userId = await userIdOf(services, username);
        const { sessionsEnded } = await services.factors.remove(userId, id, cliAuditContext(), {
          kind: 'administrator',
        });
        process.stdout.write(`removed method ${id} of "${username}"; ${sessionsEnded} session(s) ended\n`);
      });
    });

  factor
    .command('reset')
    .description("remove all of a user's MFA methods: they set MFA up again; their sessions end")
    .argument('<username>')
    .option(
      '--remove-duo-phones',
      "also remove the user's phones in Duo first (needs the Duo Admin API on their provider); nothing is reset if Duo refuses",
      false,
    )
    .action(async (username: string, options: { removeDuoPhones: boolean }) => {
      await withPortal(async (services) => {
        const userId = await userIdOf(services, username);
        const preview = options.removeDuoPhones ? null : await services.factors.resetPreview(userId);
        const { devicesRemoved } = await services.factors.resetUser(userId, cliAuditContext(), {
          removeDevices: options.removeDuoPhones,
        });
        for (const each of devicesRemoved) {
          const what = each.devices.length
            ? each.devices.map((device) => `${device.description} [${device.id}]`).join(', ')
            : each.known
              ? 'no phones'
              : `nothing (${each.provider} does not know "${each.subject}")`;
          process.stdout.write(`${each.provider}: removed ${what}\n`);
        }
        // Without the flag, the provider still holds the lost phone: say what to do about it.
        for (const provider of preview?.providers ?? []) {
          const how = provider.removable
            ? 'remove a lost one there (next time, --remove-duo-phones does it)'
            : 'remove a lost one there';
          process.stderr.write(
            `note: ${provider.name} still holds the ${provider.noun} of "${provider.subject}"; ${how}:\n${provider.manualSteps.map((step) => `  - ${step}`).join('\n')}\n`,
          );
        }
        process.stdout.write(`MFA of "${username}" reset; their sessions have ended\n`);
      });
    });
}
