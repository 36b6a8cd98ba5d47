import type { AuditContext } from '../audit/events.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import { AppError, fieldError } from '../errors/catalogue.ts';
import { decideSecondFactor, type MfaDecision } from '../login/mfa-decision.ts';
import type { ApplicationUrlService } from '../settings/application-url.ts';
import { MFA_POLICY_KEY, type MfaPolicy, readMfaPolicy } from './policy.ts';

/**
 * Who must use MFA, with which provider, and the administrator's levers on a user's MFA (skip, reset).
 * Every change is guarded so an administrator cannot lock all administrators out.
 */
export function createMfaPolicyService(deps: {
  storage: Storage;
  applicationUrl: ApplicationUrlService;
  clock: () => number;
}) {
  const { storage, clock } = deps;

  return {
    async get(): Promise<MfaPolicy> {
      return readMfaPolicy(createRepos(storage.db));
    },

    async set(next: MfaPolicy, context: AuditContext): Promise<MfaPolicy> {
      const repos = createRepos(storage.db);
      if (next.defaultProviderId !== null) {
        const provider = await repos.providers.findById(next.defaultProviderId);
        if (!provider) throw fieldError('defaultProviderId', 'Choose one of the registered providers.');
        if (!provider.enabled)
          throw fieldError(
            'defaultProviderId',
            `"${provider.name}" is disabled: enable it first, or choose another provider.`,
          );
      }
      if (next.mode === 'required') {
        if (next.defaultProviderId === null)
          throw fieldError('defaultProviderId', 'Choose the provider users set up MFA with when it is required.');
        // "Enabling Duo for sign-in": refused while Duo could not send anyone back to us.
        if (!(await deps.applicationUrl.current()).url) throw new AppError('APPLICATION_URL_INVALID');
        if ((await repos.userMfa.administratorsWithWorkingMfa()).length === 0) throw new AppError('MFA_POLICY_LOCKOUT');
      }
      await storage.db.transaction().execute(async (trx) => {
        const tx = createRepos(trx);
        const before = await readMfaPolicy(tx);
        await tx.settings.set(MFA_POLICY_KEY, next, clock(), context.actor?.id ?? null);
        const changes: Record<string, { from: string | null; to: string | null }> = {};
        if (before.mode !== next.mode) changes.mode = { from: before.mode, to: next.mode };
        if (before.defaultProviderId !== next.defaultProviderId) {
          changes.defaultProviderId = {
            from: before.defaultProviderId?.toString() ?? null,
            to: next.defaultProviderId?.toString() ?? null,
          };
        }
        if (Object.keys(changes).length > 0) {
          await tx.audit.record(
            {
              type: 'settings.updated',
              outcome: 'success',
              target: { type: 'setting', id: MFA_POLICY_KEY, label: 'MFA policy' },
              details: { key: MFA_POLICY_KEY, changes },
            },
            context,
            clock(),
          );
        }
      });
      return next;
    },

    /** After the password step: what this user's sign-in still needs. */
    async decide(user: UserWithHash): Promise<MfaDecision> {
      const repos = createRepos(storage.db);
      const [configured, policy] = await Promise.all([repos.userMfa.forUser(user.id), readMfaPolicy(repos)]);
      const defaultProvider =
        policy.defaultProviderId === null ? undefined : await repos.providers.findById(policy.defaultProviderId);
      return decideSecondFactor({
        user: { role: user.role, mfaSkip: user.mfaSkip },
        configured: configured ? { providerId: configured.providerId, enabled: configured.providerEnabled } : null,
        policy,
        defaultEnabled: defaultProvider?.enabled === true,
      });
    },

    /** An administrator clears a user's MFA (lost phone): they set it up again at their next sign-in or in My account. */
    async resetUserMfa(userId: number, context: AuditContext): Promise<void> {
      if (context.actor?.id === userId) throw new AppError('CANNOT_CHANGE_OWN_ACCOUNT');
      await storage.db.transaction().execute(async (trx) => {
        const tx = createRepos(trx);
        const user = await tx.users.findById(userId);
        if (!user) throw new AppError('USER_NOT_FOUND');
        const existing = await tx.userMfa.forUser(userId);
        if (!existing) throw new AppError('MFA_NOT_CONFIGURED', { message: `${user.username} has no MFA set up.` });
        await tx.userMfa.remove(userId);
        // Their sessions end too: whoever holds the lost device may be signed in.
        const sessionsEnded = await tx.sessions.deleteForUser(userId);
        await tx.audit.record(
          {
            type: 'user.mfa_reset',
            outcome: 'success',
            target: { type: 'user', id: userId, label: user.username },
            details: { provider: existing.providerName, sessionsEnded },
          },
          context,
          clock(),
        );
      });
    },
  };
}

export type MfaPolicyService = ReturnType<typeof createMfaPolicyService>;
