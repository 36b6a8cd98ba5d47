import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { z } from 'zod';
import {
  ApplicationFileError,
  applicationToYaml,
  readApplicationsFile,
} from '../../server/applications/application-file.ts';
import { namesFor } from '../../server/applications/application-service.ts';
import { createRepos } from '../../server/db/repos/index.ts';
import type { Services } from '../../server/services.ts';
import { accessTestBodySchema, applicationBodySchema } from '../../shared/api/applications.ts';
import { createGroupBodySchema, groupMfaPolicySchema } from '../../shared/api/groups.ts';
import { withPortal } from '../context.ts';
import { CliError, cliAuditContext, EXIT, printTable } from '../io.ts';

/** A schema's verdict on CLI input, as one line per problem ("rules.0.networks.0: …"). */
function valid<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new CliError(
    `${what} refused:\n  ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('\n  ')}`,
    EXIT.DATA,
  );
}

async function userIds(services: Services, usernames: string[]): Promise<number[]> {
  const repos = createRepos(services.storage.db);
  return Promise.all(
    usernames.map(async (username) => {
      const user = await repos.users.findByUsername(username.trim().toLowerCase());
      if (!user) throw new CliError(`no user named "${username}"`, EXIT.DATA);
      return user.id;
    }),
  );
}

function registerGroupCommands(program: Command): void {
  const group = program.command('group').description('manage groups (Settings > Access > Groups)');

  group
    .command('list')
    .description('list groups with their MFA policy, members and the applications that name them')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (options: { json: boolean }) => {
      await withPortal(async (services) => {
        const { items } = await services.groups.list({ offset: 0, limit: 10_000 });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
          return;
        }
        printTable(
          items.map((item) => ({
            name: item.name,
            mfa: item.mfaPolicy,
            members: String(item.memberCount),
            'used by': item.usedBy.map((app) => app.name).join(', '),
          })),
          ['name', 'mfa', 'members', 'used by'],
        );
      });
    });

  group
    .command('add')
    .description('create a group')
    .argument('<name>')
    .option('--description <text>', 'what the group is for', '')
    .option('--mfa <policy>', 'inherit (the instance policy), required or off', 'inherit')
    .action(async (name: string, options: { description: string; mfa: string }) => {
      const body = valid(
        createGroupBodySchema,
        { name, description: options.description, mfaPolicy: options.mfa },
        'group',
      );
      await withPortal(async (services) => {
        const created = await services.groups.create(body, cliAuditContext());
        process.stdout.write(`created group "${created.name}" (id ${created.id}, MFA ${created.mfaPolicy})\n`);
      });
    });

  group
    .command('rename')
    .argument('<name>')
    .argument('<new-name>')
    .description('rename a group (rules keep naming it: they hold its id)')
    .action(async (name: string, newName: string) => {
      const next = valid(createGroupBodySchema.shape.name, newName, 'new name');
      await withPortal(async (services) => {
        const found = await services.groups.findByName(name);
        await services.groups.update(found.id, { name: next }, cliAuditContext());
        process.stdout.write(`renamed "${found.name}" to "${next}"\n`);
      });
    });

  group
    .command('set-mfa')
    .argument('<name>')
    .argument('<policy>', 'inherit, required or off')
    .description("change the group's MFA policy for its members")
    .action(async (name: string, policy: string) => {
      const mfaPolicy = valid(groupMfaPolicySchema, policy, 'MFA policy');
      await withPortal(async (services) => {
        const found = await services.groups.findByName(name);
        await services.groups.update(found.id, { mfaPolicy }, cliAuditContext());
        process.stdout.write(`"${found.name}": MFA ${mfaPolicy}\n`);
      });
    });

  group
    .command('delete')
    .argument('<name>')
    .description('delete a group (refused while application rules name it)')
    .action(async (name: string) => {
      await withPortal(async (services) => {
        const found = await services.groups.findByName(name);
        await services.groups.delete(found.id, cliAuditContext());
        process.stdout.write(`deleted group "${found.name}"\n`);
      });
    });

  group
    .command('members')
    .argument('<name>')
    .description("list a group's members")
    .option('--json', 'print JSON instead of a table', false)
    .action(async (name: string, options: { json: boolean }) => {
      await withPortal(async (services) => {
        const { members } = await services.groups.get((await services.groups.findByName(name)).id);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(members, null, 2)}\n`);
          return;
        }
        printTable(
          members.map((member) => ({ username: member.username, name: member.displayName, email: member.email })),
          ['username', 'name', 'email'],
        );
      });
    });

  group
    .command('add-members')
    .argument('<name>')
    .argument('<usernames...>')
    .description('add users to a group')
    .action(async (name: string, usernames: string[]) => {
      await withPortal(async (services) => {
        const found = await services.groups.findByName(name);
        const added = await services.groups.addMembers(found.id, await userIds(services, usernames), cliAuditContext());
        process.stdout.write(`added ${added} to "${found.name}"\n`);
      });
    });

  group
    .command('remove-member')
    .argument('<name>')
    .argument('<username>')
    .description('remove a user from a group')
    .action(async (name: string, username: string) => {
      await withPortal(async (services) => {
        const found = await services.groups.findByName(name);
        const [id] = await userIds(services, [username]);
        await services.groups.removeMember(found.id, id ?? 0, cliAuditContext());
        process.stdout.write(`removed "${username}" from "${found.name}"\n`);
      });
    });
}

function registerApplicationCommands(program: Command): void {
  const app = program.command('app').description('manage applications behind forward-auth (Settings > Applications)');

  app
    .command('list')
    .description('the Applications report')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (options: { json: boolean }) => {
      await withPortal(async (services) => {
        const { items } = await services.applications.list({ sort: 'name', order: 'asc', offset: 0, limit: 100_000 });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
          return;
        }
        printTable(
          items.map((item) => ({
            name: item.name,
            enabled: item.enabled ? 'yes' : 'no',
            urls: item.urls
              .map((url) => (url.pathPrefix === '/' ? url.host : `${url.host}${url.pathPrefix}`))
              .join(' '),
            rules: item.ruleSummaries.map((text, index) => `${index + 1}. ${text}`).join('; '),
          })),
          ['name', 'enabled', 'urls', 'rules'],
        );
      });
    });

  app
    .command('show')
    .argument('<name>')
    .description('print an application in the format `app apply` reads')
    .action(async (name: string) => {
      await withPortal(async (services) => {
        const found = await services.applications.findByName(name);
        if (!found) throw new CliError(`no application named "${name}"`, EXIT.DATA);
        process.stdout.write(applicationToYaml(found, await namesFor(createRepos(services.storage.db), [found])));
      });
    });

  app
    .command('apply')
    .argument('<file>', 'YAML: applications: [{ name, urls, rules, headers }, …] (see docs/protect-an-app.md)')
    .description('create the applications of a file, or replace those of the same name; every one is checked first')
    .action(async (file: string) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code})`, EXIT.DATA);
      }
      await withPortal(async (services) => {
        const repos = createRepos(services.storage.db);
        const groups = new Map((await repos.groups.all()).map((group) => [group.name.toLowerCase(), group.id]));
        const users = new Map(
          (await repos.users.list({ offset: 0, limit: 100_000 })).items.map((user) => [user.username, user.id]),
        );
        let bodies: ReturnType<typeof readApplicationsFile>;
        try {
          bodies = readApplicationsFile(text, {
            groupId: (name) => groups.get(name.toLowerCase()),
            userId: (name) => users.get(name.toLowerCase()),
          });
        } catch (error) {
          if (error instanceof ApplicationFileError) throw new CliError(`${file}: ${error.message}`, EXIT.DATA);
          throw error;
        }
        const inputs = bodies.map((body, index) =>
          valid(applicationBodySchema, body, `${file}: application ${index + 1}`),
        );
        for (const input of inputs) {
          const existing = await services.applications.findByName(input.name);
          const saved = existing
            ? await services.applications.update(existing.id, input, cliAuditContext())
            : await services.applications.create(input, cliAuditContext());
          process.stdout.write(
            `${existing ? 'updated' : 'created'} "${saved.name}": ${saved.ruleSummaries.length} rules\n`,
          );
        }
      });
    });

  app
    .command('delete')
    .argument('<name>')
    .description('delete an application: the proxy then refuses its URLs')
    .action(async (name: string) => {
      await withPortal(async (services) => {
        const found = await services.applications.findByName(name);
        if (!found) throw new CliError(`no application named "${name}"`, EXIT.DATA);
        await services.applications.delete(found.id, cliAuditContext());
        process.stdout.write(`deleted "${found.name}"\n`);
      });
    });

  app
    .command('test')
    .description('the rule tester: would this person, from this address, be let in to this URL, and why?')
    .requiredOption('--url <url>', 'the address, e.g. https://grafana.example.com/admin')
    .option('--user <username>', 'who asks (leave out: someone not signed in)', '')
    .option('--ip <address>', 'where from', '10.1.2.3')
    .option('--method <method>', 'the HTTP method', 'GET')
    .option('--signed-in-with <how>', 'mfa or password', 'mfa')
    .option('--mfa-minutes-ago <n>', 'how long ago the MFA was', '0')
    .option('--json', 'print the whole answer as JSON', false)
    .action(
      async (options: {
        url: string;
        user: string;
        ip: string;
        method: string;
        signedInWith: string;
        mfaMinutesAgo: string;
        json: boolean;
      }) => {
        const input = valid(
          accessTestBodySchema,
          {
            url: options.url,
            username: options.user,
            ip: options.ip,
            method: options.method.toUpperCase(),
            signedInWith: options.signedInWith,
            mfaMinutesAgo: Number(options.mfaMinutesAgo),
          },
          'test',
        );
        await withPortal(async (services) => {
          const result = await services.testAccess(input);
          if (options.json) {
            process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
            return;
          }
          process.stdout.write(`${result.decision}: ${result.summary}\n`);
          for (const entry of result.trace)
            process.stdout.write(`  rule ${entry.rule} (${entry.text}): ${entry.why}\n`);
        });
      },
    );
}

export function registerAccessCommands(program: Command): void {
  registerGroupCommands(program);
  registerApplicationCommands(program);
}
