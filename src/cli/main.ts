import { Command, CommanderError } from 'commander';
import { VERSION } from '../server/version.ts';
import { registerAccessCommands } from './commands/access.ts';
import { registerAuditCommands } from './commands/audit.ts';
import { registerDuoCommands } from './commands/duo.ts';
import { registerFactorCommands } from './commands/factors.ts';
import { registerKeyCommands } from './commands/keys.ts';
import { registerMfaCommands } from './commands/mfa.ts';
import { registerProviderCommands } from './commands/providers.ts';
import { registerSystemCommands } from './commands/system.ts';
import { registerUserCommands } from './commands/users.ts';
import { EXIT, reportError } from './io.ts';

const program = new Command()
  .name('portcullis')
  .description(
    'Portcullis: a self-hosted sign-in portal with MFA providers (Duo Security first).\nConfiguration comes from PORTCULLIS_* environment variables: see "portcullis config".',
  )
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride();

registerSystemCommands(program);
registerUserCommands(program);
registerFactorCommands(program);
registerAuditCommands(program);
registerProviderCommands(program);
registerMfaCommands(program);
registerKeyCommands(program);
registerDuoCommands(program);
registerAccessCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage mistakes with EXIT.USAGE.
    process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  } else {
    process.exitCode = reportError(error);
    // An unexpected error is a bug or an environment problem: its stack (source-mapped to the .ts
    // files by bin/portcullis.mjs) is what a bug report needs. Known errors stay one line.
    if (process.exitCode === EXIT.SOFTWARE && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
  }
}
