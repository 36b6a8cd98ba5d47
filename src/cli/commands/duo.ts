import type { Command } from 'commander';
import { isoTime } from '../../server/iso-time.ts';
import { withPortal } from '../context.ts';
import { CliError, EXIT, printTable } from '../io.ts';

/** `portcullis duo …`: Duo's side of things that the portal also does on its own (ADR 0020). */
export function registerDuoCommands(program: Command): void {
  const duo = program.command('duo').description("Duo's Admin API: the authentication log import");

  duo
    .command('pull-log')
    .description(
      "copy Duo's authentication log (denied, fraud-reported, timed-out sign-ins) into the audit log now, once; the server does it every minute",
    )
    .option('--provider <id>', 'only this provider (by id), even if it is disabled')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (options: { provider?: string; json: boolean }) => {
      const providerId = options.provider === undefined ? undefined : Number(options.provider);
      if (providerId !== undefined && (!Number.isInteger(providerId) || providerId < 1))
        throw new CliError('--provider takes a provider id, a whole number (see "provider list")', EXIT.USAGE);
      await withPortal(async (services) => {
        const reports = await services.duoAuthLog.runOnce(providerId === undefined ? {} : { providerId });
        if (reports.length === 0) {
          throw new CliError(
            providerId === undefined
              ? 'no enabled Duo provider uses the Duo Admin API: tick "Use the Duo Admin API" on one (Settings > MFA > Providers)'
              : `provider ${providerId} is not a Duo provider that uses the Duo Admin API`,
            EXIT.DATA,
          );
        }
        if (options.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
        else
          printTable(
            reports.map((report) => ({
              provider: `${report.provider} (${report.providerId})`,
              status: report.status,
              read: String(report.read),
              imported: String(report.imported),
              'read up to': report.readUpTo === null ? '' : isoTime(report.readUpTo),
              note:
                report.status === 'waiting' && report.nextRequestAt !== null
                  ? `Duo allows one request a minute: try again after ${isoTime(report.nextRequestAt)}`
                  : (report.message ?? ''),
            })),
            ['provider', 'status', 'read', 'imported', 'read up to', 'note'],
          );
        if (reports.some((report) => report.status === 'failed')) process.exitCode = EXIT.UNAVAILABLE;
      });
    });
}
