import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { ZodType } from 'zod';
import { auditExport, type ExportFormat, filterLabels } from '../../server/audit/audit-export.ts';
import { auditFiltersOf } from '../../server/audit/audit-query.ts';
import { archiveChunks, cutoffFor, listArchives, pruneArchive } from '../../server/audit/retention.ts';
import { auditFiltersSchema } from '../../shared/api/audit.ts';
import { type ArchiveView, olderThanDaysSchema } from '../../shared/api/audit-retention.ts';
import { idParamSchema } from '../../shared/api/fields.ts';
import { withPortal } from '../context.ts';
import { CliError, cliAuditContext, EXIT, printTable } from '../io.ts';

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

  audit
    .command('archive')
    .description('write every record older than N days to a file (JSON Lines or CSV) and record it as an archive')
    .requiredOption('--older-than-days <days>', 'records that occurred more than this many days ago')
    .requiredOption('-o, --output <file>', 'the archive file to write (mode 0600)')
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .action(async (options: { olderThanDays: string; output: string; format: string }) => {
      const days = olderThanDaysSchema.safeParse(options.olderThanDays);
      if (!days.success) throw new CliError(`--older-than-days: ${days.error.issues[0]?.message}`, EXIT.USAGE);
      if (options.format !== 'csv' && options.format !== 'jsonl')
        throw new CliError('--format: use jsonl or csv', EXIT.USAGE);
      await withPortal(async (services) => {
        const cutoff = cutoffFor(services.clock(), days.data);
        const result: { archive?: ArchiveView } = {};
        const chunks = archiveChunks(
          { db: services.storage.db, clock: services.clock },
          {
            cutoff,
            format: options.format as ExportFormat,
            context: cliAuditContext(),
            onArchived: (archive) => {
              result.archive = archive;
            },
          },
        );
        await pipeline(Readable.from(chunks, { objectMode: false }), outputStream(options.output));
        const done = result.archive;
        if (!done) throw new CliError('the archive was not completed', EXIT.FAILURE);
        process.stdout.write(
          `archive ${done.id}: ${done.records} records older than ${new Date(cutoff).toISOString()} in ${options.output}\nsha256 ${done.sha256}\nprune them with: portcullis audit prune --archive ${done.id}\n`,
        );
      });
    });

  audit
    .command('archives')
    .description('list the latest archives and whether they were pruned')
    .action(async () => {
      await withPortal(async (services) => {
        const rows = (await listArchives(services.storage.db)).map((archive) => ({
          id: String(archive.id),
          before: archive.cutoff,
          records: String(archive.records),
          format: archive.format,
          created: archive.createdAt,
          pruned: archive.prunedAt ?? '-',
        }));
        printTable(rows, ['id', 'before', 'records', 'format', 'created', 'pruned']);
      });
    });

  audit
    .command('prune')
    .description('delete the records an archive holds (refused if they changed since it was written)')
    .requiredOption('--archive <id>', 'the archive id printed by "audit archive"')
    .action(async (options: { archive: string }) => {
      const { id } = parseOptions(idParamSchema, { id: options.archive });
      await withPortal(async (services) => {
        const pruned = await pruneArchive({ db: services.storage.db, clock: services.clock }, id, cliAuditContext());
        process.stdout.write(`pruned ${pruned} records (archive ${id})\n`);
      });
    });
}
