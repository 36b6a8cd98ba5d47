import type { Command } from 'commander';
import { mfaLabel } from '../../server/accounts/users-report.ts';
import { createRepos } from '../../server/db/repos/index.ts';
import { userView } from '../../server/routes/views.ts';
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
        const { items } = await services.accounts.listUsers({ offset: 0, limit: 100_000 });
        const mfa = await services.accounts.mfaOf(items.map((item) => item.id));
        // The API's own view: ISO 8601 times, the MFA each user set up, never a password hash.
        const views = items.map((item) => userView(item, mfa.get(item.id) ?? null));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
          return;
        }
        printTable(
          views.map((view) => ({
            id: String(view.id),
            username: view.username,
            name: view.displayName,
            email: view.email,
            role: view.role,
            status: view.disabled ? 'disabled' : 'active',
            mfa: mfaLabel(view),
          })),
          ['id', 'username', 'name', 'email', 'role', 'status', 'mfa'],
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

  user
    .command('reset-mfa')
    .description(
      "clear a user's MFA (lost or replaced phone): all their methods go, their sessions end and they set up MFA again at their next sign-in; see docs/duo-setup.md for what to do in Duo (or factor reset --remove-duo-phones)",
    )
    .argument('<username>')
    .action(async (username: string) => {
      await withPortal(async (services) => {
        const id = await findUserId(services, username);
        await services.factors.resetUser(id, cliAuditContext());
        process.stdout.write(`MFA of "${username}" reset; their sessions have ended\n`);
      });
    });

  for (const [name, skip] of [
    ['skip-mfa', true],
    ['require-mfa', false],
  ] as const) {
    user
      .command(name)
      .description(
        skip
          ? 'let a user sign in with their password alone, even while MFA is required (break-glass; audited)'
          : 'take "skip MFA" back: the user signs in with MFA again',
      )
      .argument('<username>')
      .action(async (username: string) => {
        await withPortal(async (services) => {
          const id = await findUserId(services, username);
          await services.accounts.updateUser(id, { mfaSkip: skip }, cliAuditContext());
          process.stdout.write(
            skip ? `"${username}" now signs in without MFA\n` : `"${username}" signs in with MFA again\n`,
          );
        });
      });
  }
}
