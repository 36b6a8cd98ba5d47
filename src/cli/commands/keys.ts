import type { Command } from 'commander';
import { rotateMasterKey } from '../../server/crypto/key-rotation.ts';
import { withPortal } from '../context.ts';
import { cliAuditContext } from '../io.ts';

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('master keys that seal stored secrets');

  keys
    .command('rotate')
    .description('re-seal every stored secret under a new master key version (the portal can keep serving)')
    .option('--retire', 'afterwards, remove the older key versions from the key file', false)
    .action(async (options: { retire: boolean }) => {
      await withPortal(async (services) => {
        const result = await rotateMasterKey(services.config, services.storage, cliAuditContext(), {
          retire: options.retire,
          now: services.clock(),
        });
        process.stdout.write(
          `re-sealed ${result.resealed} secret set(s) (MFA providers, audit forwarding) under key version ${result.toVersion}\n`,
        );
        if (result.retiredVersions.length > 0)
          process.stdout.write(`retired key version(s): ${result.retiredVersions.join(', ')}\n`);
      });
    });
}
