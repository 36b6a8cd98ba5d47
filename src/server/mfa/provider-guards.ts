import type { Repos } from '../db/repos/index.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import { AppError } from '../errors/catalogue.ts';
import { readMfaPolicy } from './policy.ts';

/**
 * Lock-out guards before a provider stops working (disabled or deleted):
 * - while MFA is required for everyone, the last enabled provider cannot go;
 * - when users sign in with it, the administrator must confirm with the number of users affected
 *   (the count they were shown), so nobody is locked out by a stray click or a stale screen.
 */
export async function assertMayRetire(
  repos: Repos,
  record: ProviderRecord,
  confirmAffectedUsers: number | undefined,
): Promise<void> {
  if (record.enabled) {
    const policy = await readMfaPolicy(repos);
    if (policy.mode === 'required' && (await repos.providers.countEnabled(record.id)) === 0)
      throw new AppError('LAST_ENABLED_PROVIDER');
  }
  const affected = await repos.providers.dependents(record.id);
  if (affected.total > 0 && confirmAffectedUsers !== affected.total) {
    throw new AppError('PROVIDER_IN_USE', {
      details: { affectedUsers: affected.total, usernames: affected.usernames },
    });
  }
}
