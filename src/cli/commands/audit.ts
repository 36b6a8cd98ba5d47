import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { ZodType } from 'zod';
import { auditExport, type ExportFormat, filterLabels } from '../../server/audit/audit-export.ts';
import { auditFiltersOf } from '../../server/audit/audit-query.ts';
import { auditFiltersSchema } from '../../shared/api/audit.ts';
import { withPortal } from '../context.ts';
import { CliError, cliAuditContext, EXIT } from '../io.ts';

/** Options parsed with the API's own schema, so the CLI refuses what the API refuses, with its words. */
export function parseOptions<T>(schema: ZodType<T>, options: Record<string, unknown>): T {
  const parsed = schema.safeParse(options);
  if (!parsed.success)
    throw new CliError(
      parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join(' '),
      EXIT.USAGE,
    );
  return parsed.data;
}

/** A file only its owner can read (audit data names people and addresses), or stdout. */
export function outputStream(file: string | undefined): Writable {
  return file ? createWriteStream(file, { mode: 0o600 }) : process.stdout;
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('read, forward and prune the audit log');

  audit
    .command('export')
    .description('stream matching audit records (newest first) as CSV or JSON Lines to stdout or a file')
    .option('--format <format>', 'csv or jsonl', 'csv')
    .option('--type <event>', 'an event such as login.failed, or a family such as login.*')
    .option('--actor <username>', 'only events by this user')
    .option('--target <name-or-id>', 'only events about this user, provider or setting')
    .option('--outcome <outcome>', 'success or failure')
    .option('--from <date>', 'from this date/time (ISO 8601)')
    .option('--to <date>', 'before this date/time (ISO 8601)')
    .option('-o, --output <file>', 'write to this file (mode 0600) instead of stdout')
    .action(async (options: Record<string, string | undefined>) => {
      const { output, format, ...rest } = options;
      if (format !== 'csv' && format !== 'jsonl') throw new CliError('--format: use csv or jsonl', EXIT.USAGE);
      const filters = parseOptions(auditFiltersSchema, rest);
      await withPortal(async (services) => {
        let rows = 0;
        const chunks = auditExport(
          { db: services.storage.db, clock: services.clock },
          {
            filters: auditFiltersOf(filters),
            labels: filterLabels(filters),
            format: format as ExportFormat,
            context: cliAuditContext(),
            onRows: (count) => {
              rows += count;
            },
          },
        );
        await pipeline(Readable.from(chunks, { objectMode: false }), outputStream(output));
        if (output) process.stderr.write(`wrote ${rows} audit records to ${output}\n`);
      });
    });
}
