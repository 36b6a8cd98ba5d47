import type { Command } from 'commander';
import { createRepos } from '../../server/db/repos/index.ts';
import { usernameSchema } from '../../shared/api/fields.ts';
import { createUserBodySchema } from '../../shared/api/users.ts';
import { withPortal } from '../context.ts';
import { CliError, cliAuditContext, EXIT, printTable, readPassword } from '../io.ts';

async function findUserId(
  services: Parameters<Parameters<typeof withPortal>[0]>[0],
  username: string,
): Promise<number> {
  const parsed = usernameSchema.safeParse(username);
  const user = parsed.success ? await createRepos(services.storage.db).users.findByUsername(parsed.data) : undefined;
  if (!user) throw new CliError(`no user named "${username}"`, EXIT.DATA);
  return user.id;
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage user accounts');

  user
    .command('add')
    .description(
      'create a user; the password is read from --password-file, piped stdin, or a hidden prompt (never argv)',
    )
    .requiredOption('--username <name>', 'sign-in name (lowercase letters, digits, . _ - @)')
    .requiredOption('--email <address>', 'email address')
    .option('--display-name <name>', 'name shown in the console (default: the username)')
    .option('--admin', 'make the user an administrator', false)
    .option('--password-file <file>', 'read the password from this file')
    .action(
      async (options: {
        username: string;
        email: string;
        displayName?: string;
        admin: boolean;
        passwordFile?: string;
      }) => {
        const password = await readPassword(options);
        const parsed = createUserBodySchema.safeParse({
          username: options.username,
          email: options.email,
          displayName: options.displayName ?? options.username,
          role: options.admin ? 'administrator' : 'user',
          password,
        });
        if (!parsed.success) {
          throw new CliError(
            parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join(' '),
            EXIT.DATA,
          );
        }
        await withPortal(async (services) => {
          const created = await services.accounts.createUser(parsed.data, cliAuditContext(), 'cli');
          process.stdout.write(`created ${created.role} "${created.username}" (id ${created.id})\n`);
        });
      },
    );

  user
    .command('list')
    .description('list users')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (options: { json: boolean }) => {
      await withPortal(async (services) => {
        const { items } = await services.accounts.listUsers({ offset: 0, limit: 10_000 });
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify(
              items.map(({ passwordChangedAt: _p, ...rest }) => rest),
              null,
              2,
            )}\n`,
          );
          return;
        }
        printTable(
          items.map((item) => ({
            id: String(item.id),
            username: item.username,
            name: item.displayName,
            email: item.email,
            role: item.role,
            status: item.disabled ? 'disabled' : 'active',
          })),
          ['id', 'username', 'name', 'email', 'role', 'status'],
        );
      });
    });

  user
    .command('disable')
    .description('disable a user and end all of their sessions')
    .argument('<username>')
    .action(async (username: string) => {
      await withPortal(async (services) => {
        const id = await findUserId(services, username);
        await services.accounts.updateUser(id, { disabled: true }, cliAuditContext());
        process.stdout.write(`disabled "${username}"; their sessions have ended\n`);
      });
    });

  user
    .command('enable')
    .description('enable a disabled user')
    .argument('<username>')
    .action(async (username: string) => {
      await withPortal(async (services) => {
        const id = await findUserId(services, username);
        await services.accounts.updateUser(id, { disabled: false }, cliAuditContext());
        process.stdout.write(`enabled "${username}"\n`);
      });
    });

  user
    .command('reset-password')
    .description(
      'set a new password for a user (from --password-file, piped stdin, or a prompt) and end their sessions',
    )
    .argument('<username>')
    .option('--password-file <file>', 'read the password from this file')
    .action(async (username: string, options: { passwordFile?: string }) => {
      const password = await readPassword(options);
      await withPortal(async (services) => {
        const id = await findUserId(services, username);
        await services.accounts.resetPassword(id, password, cliAuditContext(), 'cli');
        process.stdout.write(`password reset for "${username}"; their sessions have ended\n`);
      });
    });
}
