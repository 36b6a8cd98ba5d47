import type { AuditContext } from '../audit/events.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import { AppError, fieldError } from '../errors/catalogue.ts';
import type { ApplicationUrlService } from '../settings/application-url.ts';
import { MFA_POLICY_KEY, type MfaPolicy, readMfaPolicy } from './policy.ts';
import type { ProviderTypeId } from './provider-type.ts';
import { PROVIDER_TYPE_IDS, providerTypeOf } from './registry.ts';

type Change = { from: string | null; to: string | null };

function changesBetween(before: MfaPolicy, next: MfaPolicy): Record<string, Change> {
  const changes: Record<string, Change> = {};
  if (before.mode !== next.mode) changes.mode = { from: before.mode, to: next.mode };
  if (before.defaultProviderId !== next.defaultProviderId) {
    changes.defaultProviderId = {
      from: before.defaultProviderId?.toString() ?? null,
      to: next.defaultProviderId?.toString() ?? null,
    };
  }
  const types = (policy: MfaPolicy) => [...policy.allowedTypes].sort().join(',');
  if (types(before) !== types(next)) changes.allowedTypes = { from: types(before), to: types(next) };
  for (const key of ['recoveryCodes', 'adminPhishingResistant', 'passwordless'] as const) {
    if (before[key] !== next[key]) changes[key] = { from: String(before[key]), to: String(next[key]) };
  }
  return changes;
}

/**
 * Who must use MFA, which factor types satisfy it, whether recovery codes may be used, and with which
 * provider users enrol. Every change is guarded so an administrator cannot lock all administrators out.
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

    /** Fields left out keep their stored value (a client written before they existed still works). */
    async set(input: Partial<MfaPolicy> & Pick<MfaPolicy, 'mode'>, context: AuditContext): Promise<MfaPolicy> {
      const repos = createRepos(storage.db);
      const current = await readMfaPolicy(repos);
      const next: MfaPolicy = { ...current, ...input, defaultProviderId: input.defaultProviderId ?? null };
      if (input.allowedTypes) {
        const unknown = input.allowedTypes.filter((type) => !(PROVIDER_TYPE_IDS as string[]).includes(type));
        if (unknown.length > 0) throw fieldError('allowedTypes', `Unknown method type "${unknown[0]}".`);
        if (input.allowedTypes.length === 0) throw fieldError('allowedTypes', 'Allow at least one kind of method.');
        next.allowedTypes = [...new Set(input.allowedTypes)] as ProviderTypeId[];
      }
      const provider =
        next.defaultProviderId === null ? undefined : await repos.providers.findById(next.defaultProviderId);
      if (next.defaultProviderId !== null) {
        if (!provider) throw fieldError('defaultProviderId', 'Choose one of the registered providers.');
        if (!provider.enabled)
          throw fieldError(
            'defaultProviderId',
            `"${provider.name}" is disabled: enable it first, or choose another provider.`,
          );
        if (!(next.allowedTypes as string[]).includes(provider.type))
          throw fieldError(
            'defaultProviderId',
            `"${provider.name}" is of a kind this policy does not allow: allow it, or choose another provider.`,
          );
      }
      if (next.mode === 'required') {
        if (!provider)
          throw fieldError('defaultProviderId', 'Choose the provider users set up MFA with when it is required.');
        // A redirect provider (Duo) cannot send anyone back to us without a valid Application URL.
        if (providerTypeOf(provider.type)?.challenge === 'redirect' && !(await deps.applicationUrl.current()).url)
          throw new AppError('APPLICATION_URL_INVALID');
        if ((await repos.userFactors.administratorsWithWorkingMfa(next.allowedTypes)).length === 0)
          throw new AppError('MFA_POLICY_LOCKOUT');
      }
      const ceremonyTypes = PROVIDER_TYPE_IDS.filter((id) => providerTypeOf(id)?.challenge === 'ceremony');
      if (next.passwordless && !current.passwordless) {
        const keys = (await repos.providers.all()).some(
          (record) => record.enabled && (ceremonyTypes as string[]).includes(record.type),
        );
        if (!keys)
          throw fieldError(
            'passwordless',
            'Register and enable a "Security key or passkey" provider first: passwordless sign-in uses it.',
          );
      }
      // The same guard as requiring MFA: refused until at least one administrator holds a security key.
      if (next.adminPhishingResistant && !current.adminPhishingResistant) {
        if ((await repos.userFactors.administratorsWithWorkingMfa(ceremonyTypes)).length === 0)
          throw new AppError('ADMIN_KEY_LOCKOUT');
      }
      await storage.db.transaction().execute(async (trx) => {
        const tx = createRepos(trx);
        const before = await readMfaPolicy(tx);
        await tx.settings.set(MFA_POLICY_KEY, next, clock(), context.actor?.id ?? null);
        const changes = changesBetween(before, next);
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
  };
}

export type MfaPolicyService = ReturnType<typeof createMfaPolicyService>;
