import type { Command } from 'commander';
import { AppError } from '../../server/errors/catalogue.ts';
import type { Services } from '../../server/services.ts';
import type { ApplicationUrlPreview } from '../../server/settings/application-url.ts';
import { mfaPolicySchema } from '../../shared/api/mfa.ts';
import { withPortal } from '../context.ts';
import { CliError, cliAuditContext, EXIT, printDiagnostics } from '../io.ts';
import { findProviderId } from './providers.ts';

async function describePolicy(services: Services): Promise<{ mode: string; defaultProvider: string | null }> {
  const policy = await services.mfaPolicy.get();
  const provider =
    policy.defaultProviderId === null ? null : await services.providers.get(policy.defaultProviderId).catch(() => null);
  return {
    mode: policy.mode,
    defaultProvider: provider ? `${provider.name} (id ${provider.id})` : null,
  };
}

/** The check's findings, then what the change affects, as Settings > System's dialog shows them. */
function printPreview(preview: ApplicationUrlPreview): void {
  process.stdout.write(`Application URL: ${preview.current ?? '(not set)'} -> ${preview.applicationUrl}\n`);
  printDiagnostics(preview.checks);
  if (preview.unchanged) {
    process.stdout.write('This is the value in use: nothing changes.\n');
    return;
  }
  const names = preview.providers.map((provider) => provider.name).join(', ');
  process.stdout.write(
    preview.providers.length === 0
      ? 'No enabled MFA provider: nobody signs in through the callbacks yet.\n'
      : `Callbacks that move: ${names}. People whose next sign-in goes through them: ${preview.affectedUsers}${preview.mfaRequired ? ' (MFA is required)' : ''}.\n`,
  );
  if (!preview.usable)
    process.stdout.write(
      preview.refused
        ? 'Refused: MFA is required and the checks above say this address would not work. Fix them first.\n'
        : 'Warning: the checks above say this address would not work; MFA sign-ins would fail.\n',
    );
}

/** Refusals of the Application URL or the policy, in the CLI's terms. */
function explain(error: unknown): never {
  if (error instanceof AppError) {
    const fields = error.options.fields
      ? Object.entries(error.options.fields).map(([field, message]) => `${field}: ${message}`)
      : [];
    const confirm =
      error.code === 'APPLICATION_URL_CONFIRM'
        ? ['Re-run with --yes to go ahead (the count above is what you confirm).']
        : [];
    throw new CliError([error.message, ...fields, ...confirm].join('\n  '), EXIT.DATA);
  }
  throw error;
}

export function registerMfaCommands(program: Command): void {
  const mfa = program.command('mfa').description('the MFA policy (Settings > MFA > Policy)');
  const policy = mfa.command('policy').description('who must sign in with MFA');

  policy
    .command('get')
    .description('print the MFA policy')
    .option('--json', 'print JSON', false)
    .action(async (options: { json: boolean }) => {
      await withPortal(async (services) => {
        const described = await describePolicy(services);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(await services.mfaPolicy.get(), null, 2)}\n`);
          return;
        }
        process.stdout.write(`mode: ${described.mode}\ndefault provider: ${described.defaultProvider ?? '(none)'}\n`);
      });
    });

  policy
    .command('set')
    .description(
      'change the MFA policy; "required" is refused while the Application URL is unusable or no administrator has working MFA',
    )
    .requiredOption('--mode <mode>', 'off or required')
    .option('--default-provider <name-or-id>', 'the provider users without MFA enrol with (kept when not given)')
    .action(async (options: { mode: string; defaultProvider?: string }) => {
      await withPortal(async (services) => {
        const current = await services.mfaPolicy.get();
        const defaultProviderId = options.defaultProvider
          ? await findProviderId(services, options.defaultProvider)
          : current.defaultProviderId;
        const parsed = mfaPolicySchema.safeParse({ mode: options.mode, defaultProviderId });
        if (!parsed.success)
          throw new CliError(parsed.error.issues.map((issue) => issue.message).join(' '), EXIT.USAGE);
        await services.mfaPolicy.set(parsed.data, cliAuditContext()).catch(explain);
        const described = await describePolicy(services);
        process.stdout.write(
          `MFA policy: ${described.mode}; default provider: ${described.defaultProvider ?? '(none)'}\n`,
        );
      });
    });

  const url = program
    .command('application-url')
    .description('the Application URL users reach the portal at (Settings > System)');

  url
    .command('get')
    .description('print the Application URL, where it comes from, and whether it is usable')
    .option('--json', 'print JSON', false)
    .action(async (options: { json: boolean }) => {
      await withPortal(async (services) => {
        const state = await services.applicationUrl.current();
        if (options.json) {
          process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${state.configured ?? '(not set)'} (${state.source})\n`);
        if (state.problem) process.stdout.write(`not usable: ${state.problem}\n`);
        if (!state.url) process.exitCode = EXIT.FAILURE;
      });
    });

  url
    .command('check')
    .description(
      'run the diagnostics against an Application URL (the current one when none is given) and say what a change would affect; exit 1 when it would not work',
    )
    .argument('[url]')
    .action(async (value: string | undefined) => {
      await withPortal(async (services) => {
        const state = await services.applicationUrl.current();
        const candidate = value ?? state.configured;
        if (!candidate) throw new CliError('the Application URL is not set; give one to check', EXIT.USAGE);
        const preview = await services.applicationUrl.preview(candidate).catch(explain);
        printPreview(preview);
        await services.providerRuntime.closeAll();
        if (!preview.usable) process.exitCode = EXIT.FAILURE;
      });
    });

  url
    .command('set')
    .description(
      'check and set the Application URL; a change that affects people who sign in with MFA needs --yes, and one that would not work is refused while MFA is required',
    )
    .argument('<url>')
    .option('--yes', 'go ahead although people who sign in with MFA are affected', false)
    .action(async (value: string, options: { yes: boolean }) => {
      await withPortal(async (services) => {
        const preview = await services.applicationUrl.preview(value).catch(explain);
        printPreview(preview);
        await services.providerRuntime.closeAll();
        const state = await services.applicationUrl
          .set(value, cliAuditContext(), { ...(options.yes && { confirmAffectedUsers: preview.affectedUsers }) })
          .catch(explain);
        process.stdout.write(`Application URL set to ${state.url ?? state.configured}\n`);
      });
    });
}
