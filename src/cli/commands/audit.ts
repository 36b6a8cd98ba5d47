import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { auditFiltersOf, exportAuditCsv } from '../../server/audit/audit-export.ts';
import { createRepos } from '../../server/db/repos/index.ts';
import { auditQuerySchema } from '../../shared/api/audit.ts';
import { withPortal } from '../context.ts';
import { CliError, cliAuditContext, EXIT } from '../io.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('read the audit log');

  audit
    .command('export')
    .description('write matching audit records as CSV (newest first) to stdout or a file')
    .option('--type <event>', 'an event such as login.failed, or a family such as login.*')
    .option('--actor <username>', 'only events by this user')
    .option('--outcome <outcome>', 'success or failure')
    .option('--from <date>', 'from this date/time (ISO 8601)')
    .option('--to <date>', 'before this date/time (ISO 8601)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(
      async (options: {
        type?: string;
        actor?: string;
        outcome?: string;
        from?: string;
        to?: string;
        output?: string;
      }) => {
        const { output, ...filters } = options;
        const parsed = auditQuerySchema.omit({ page: true, pageSize: true }).safeParse(filters);
        if (!parsed.success)
          throw new CliError(
            parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join(' '),
            EXIT.USAGE,
          );
        await withPortal(async (services) => {
          const { csv, rows } = await exportAuditCsv(services.storage.db, auditFiltersOf(parsed.data));
          const labels = Object.fromEntries(
            Object.entries(parsed.data)
              .filter(([, value]) => value !== undefined)
              .map(([key, value]) => [key, String(value)]),
          );
          await createRepos(services.storage.db).audit.record(
            { type: 'audit.exported', outcome: 'success', details: { rows, filters: labels } },
            cliAuditContext(),
            services.clock(),
          );
          if (output) {
            writeFileSync(output, csv, { mode: 0o600 });
            process.stderr.write(`wrote ${rows} audit records to ${output}\n`);
          } else {
            process.stdout.write(csv);
          }
        });
      },
    );
}
