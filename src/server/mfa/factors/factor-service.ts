import type { AuditContext } from '../../audit/events.ts';
import { randomToken } from '../../crypto/tokens.ts';
import type { Storage } from '../../db/database.ts';
import { createRepos, type Repos } from '../../db/repos/index.ts';
import type { UserFactor } from '../../db/repos/user-factors-repo.ts';
import { AppError } from '../../errors/catalogue.ts';
import { readMfaPolicy } from '../policy.ts';
import type { ProviderRuntime } from '../provider-runtime.ts';
import { modelOf } from '../providers/webauthn/aaguids.ts';
import { providerTypeOf } from '../registry.ts';
import {
  auditDevicesRemoved,
  type DevicesRemoved,
  deviceProvidersOf,
  forgetDevices,
  type ResetPreview,
  resetPreviewOf,
} from './device-removal.ts';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
} from './recovery-codes.ts';

export const RECOVERY_CODES_LABEL = 'Recovery codes';

/** A factor as My account and the Users page show it (never its secret). */
export interface FactorView {
  id: string;
  type: string;
  method: string;
  label: string;
  provider: { id: number; name: string; enabled: boolean } | null;
  isDefault: boolean;
  createdAt: number;
  lastUsedAt: number | null;
  /** Recovery codes: how many are left. */
  remaining: number | null;
  /** Security keys: the model when its AAGUID is known, whether it is a synced passkey, a suspected clone. */
  key: { model: string | null; aaguid: string | null; synced: boolean; cloneSuspectedAt: number | null } | null;
}

export function methodOf(type: string): string {
  return providerTypeOf(type)?.wording.method ?? (type === 'recovery_codes' ? RECOVERY_CODES_LABEL : type);
}

const isMain = (factor: UserFactor) => factor.type !== 'recovery_codes';

function keyView(data: Record<string, unknown>): NonNullable<FactorView['key']> {
  const aaguid = typeof data.aaguid === 'string' ? data.aaguid : null;
  return {
    model: modelOf(aaguid),
    aaguid,
    synced: data.backupEligible === true,
    cloneSuspectedAt: typeof data.cloneSuspectedAt === 'number' ? data.cloneSuspectedAt : null,
  };
}

/**
 * The factors users hold: listing, naming, the default, removal with its guards, recovery codes, and
 * an administrator's removal (which also ends the user's sessions). Every change is audited in the
 * same transaction; the routes check that the session is fresh (ASVS 7.5.1).
 */
export function createFactorService(deps: { storage: Storage; clock: () => number; runtime: ProviderRuntime }) {
  const { storage, clock } = deps;

  async function viewsOf(repos: Repos, factors: UserFactor[]): Promise<FactorView[]> {
    const remaining = await repos.userFactors.remainingRecoveryCodes(
      factors.filter((factor) => !isMain(factor)).map((factor) => factor.id),
    );
    return factors.map((factor) => ({
      id: factor.id,
      type: factor.type,
      method: methodOf(factor.type),
      label: factor.label,
      provider:
        factor.providerId === null || !factor.provider
          ? null
          : { id: factor.providerId, name: factor.provider.name, enabled: factor.provider.enabled },
      isDefault: factor.isDefault,
      createdAt: factor.createdAt,
      lastUsedAt: factor.lastUsedAt,
      remaining: isMain(factor) ? null : (remaining.get(factor.id) ?? 0),
      key: factor.credentialId ? keyView(factor.publicData ?? {}) : null,
    }));
  }

  async function ownFactor(repos: Repos, userId: number, factorId: string): Promise<UserFactor> {
    const factor = await repos.userFactors.findById(factorId);
    // Another user's factor is "not found", not "forbidden": ids are not confirmed to exist (IDOR).
    if (!factor || factor.userId !== userId) throw new AppError('FACTOR_NOT_FOUND');
    return factor;
  }

  const target = (user: { id: number; username: string }) => ({
    type: 'user' as const,
    id: user.id,
    label: user.username,
  });

  return {
    /** Oldest first; recovery codes last (they back the others up). */
    async list(userId: number): Promise<FactorView[]> {
      const repos = createRepos(storage.db);
      const factors = await repos.userFactors.forUser(userId);
      return viewsOf(repos, [...factors.filter(isMain), ...factors.filter((factor) => !isMain(factor))]);
    },

    /** Recovery codes left, when this session was opened with one (the console then says how many remain). */
    async recoveryCodesLeftAfter(factorId: string | null): Promise<number | null> {
      if (!factorId) return null;
      const repos = createRepos(storage.db);
      const factor = await repos.userFactors.findById(factorId);
      if (factor?.type !== 'recovery_codes') return null;
      return (await repos.userFactors.remainingRecoveryCodes([factorId])).get(factorId) ?? 0;
    },

    async rename(userId: number, factorId: string, label: string, context: AuditContext): Promise<void> {
      await storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const factor = await ownFactor(repos, userId, factorId);
        if (factor.label === label) return;
        const user = await repos.users.findById(userId);
        await repos.userFactors.rename(factorId, label);
        await repos.audit.record(
          {
            type: 'user.factor_renamed',
            outcome: 'success',
            target: target({ id: userId, username: user?.username ?? String(userId) }),
            details: { method: methodOf(factor.type), from: factor.label, to: label },
          },
          context,
          clock(),
        );
      });
    },

    async setDefault(userId: number, factorId: string, context: AuditContext): Promise<void> {
      await storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const factor = await ownFactor(repos, userId, factorId);
        if (!isMain(factor)) throw new AppError('FACTOR_NOT_DEFAULTABLE');
        const user = await repos.users.findById(userId);
        await repos.userFactors.setDefault(userId, factorId);
        await repos.audit.record(
          {
            type: 'user.factor_default_set',
            outcome: 'success',
            target: target({ id: userId, username: user?.username ?? String(userId) }),
            details: { method: methodOf(factor.type), label: factor.label },
          },
          context,
          clock(),
        );
      });
    },

    /**
     * Removes a factor. The user's own removal of their last factor is refused while MFA is required
     * for them; recovery codes go with the last factor they back up. An administrator's removal also
     * ends the user's sessions (whoever holds a lost device may be signed in); the user's own ends the
     * other sessions opened with that factor.
     */
    async remove(
      userId: number,
      factorId: string,
      context: AuditContext,
      by: { kind: 'self'; sessionIdHash: string } | { kind: 'administrator' },
    ): Promise<{ sessionsEnded: number }> {
      return storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const factor = await ownFactor(repos, userId, factorId);
        const user = await repos.users.findById(userId);
        if (!user) throw new AppError('USER_NOT_FOUND');
        const held = await repos.userFactors.forUser(userId);
        const mainLeft = held.filter((other) => isMain(other) && other.id !== factorId);
        if (by.kind === 'self' && isMain(factor) && !user.mfaSkip) {
          const policy = await readMfaPolicy(repos);
          const satisfying = mainLeft.filter((other) => (policy.allowedTypes as string[]).includes(other.type));
          if (policy.mode === 'required' && satisfying.length === 0) throw new AppError('LAST_FACTOR_REQUIRED');
        }
        const removed = [factor, ...(isMain(factor) && mainLeft.length === 0 ? held.filter((f) => !isMain(f)) : [])];
        for (const each of removed) await repos.userFactors.remove(each.id);
        if (factor.isDefault && mainLeft[0]) await repos.userFactors.setDefault(userId, mainLeft[0].id);
        const sessionsEnded =
          by.kind === 'administrator'
            ? await repos.sessions.deleteForUser(userId)
            : await repos.sessions.deleteForFactor(factorId, by.sessionIdHash);
        for (const each of removed) {
          await repos.audit.record(
            {
              type: 'user.factor_removed',
              outcome: 'success',
              target: target(user),
              details: {
                method: methodOf(each.type),
                label: each.label,
                by: by.kind,
                sessionsEnded: each === factor ? sessionsEnded : 0,
              },
            },
            context,
            clock(),
          );
        }
        return { sessionsEnded };
      });
    },

    /**
     * A new set of recovery codes, shown once; an earlier set stops working. Only for a user who holds
     * another factor (codes back one up) and only where the policy allows them.
     */
    async generateRecoveryCodes(userId: number, context: AuditContext): Promise<{ codes: string[]; factorId: string }> {
      const codes = generateRecoveryCodes();
      const hashes = codes.map((code) => hashRecoveryCode(normaliseRecoveryCode(code) ?? ''));
      return storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const policy = await readMfaPolicy(repos);
        if (!policy.recoveryCodes) throw new AppError('RECOVERY_CODES_NOT_ALLOWED');
        const held = await repos.userFactors.forUser(userId);
        if (!held.some(isMain)) throw new AppError('RECOVERY_CODES_NEED_FACTOR');
        const user = await repos.users.findById(userId);
        if (!user) throw new AppError('USER_NOT_FOUND');
        const old = held.filter((factor) => !isMain(factor));
        const replacedRemaining = old.length
          ? [...(await repos.userFactors.remainingRecoveryCodes(old.map((factor) => factor.id))).values()].reduce(
              (sum, count) => sum + count,
              0,
            )
          : null;
        for (const factor of old) await repos.userFactors.remove(factor.id);
        const id = randomToken(12);
        const now = clock();
        await repos.userFactors.insert({
          id,
          userId,
          type: 'recovery_codes',
          providerId: null,
          label: RECOVERY_CODES_LABEL,
          sealedSecret: null,
          counter: null,
          isDefault: false,
          createdAt: now,
        });
        await repos.userFactors.insertRecoveryCodes(id, hashes);
        await repos.audit.record(
          {
            type: 'user.recovery_codes_generated',
            outcome: 'success',
            target: target(user),
            details: { count: RECOVERY_CODE_COUNT, replacedRemaining },
          },
          context,
          now,
        );
        return { codes, factorId: id };
      });
    },

    /**
     * What Reset MFA would do at each provider of the user's methods that can forget devices: remove
     * them (the provider's settings allow it) or the steps an administrator takes there by hand.
     */
    async resetPreview(userId: number): Promise<ResetPreview> {
      const repos = createRepos(storage.db);
      const user = await repos.users.findById(userId);
      if (!user) throw new AppError('USER_NOT_FOUND');
      return resetPreviewOf(await deviceProvidersOf(repos, user, await repos.userFactors.forUser(userId)));
    },

    /**
     * An administrator clears all of a user's factors (lost phone): they set MFA up again, and their
     * sessions end. With `removeDevices`, each provider that can (Duo with the Admin API) first removes
     * the user's devices there; if one cannot, nothing is reset (ADR 0020).
     */
    async resetUser(
      userId: number,
      context: AuditContext,
      options: { removeDevices?: boolean } = {},
    ): Promise<{ devicesRemoved: DevicesRemoved[] }> {
      if (context.actor?.id === userId) throw new AppError('CANNOT_CHANGE_OWN_ACCOUNT');
      let devicesRemoved: DevicesRemoved[] = [];
      if (options.removeDevices) {
        const repos = createRepos(storage.db);
        const user = await repos.users.findById(userId);
        if (!user) throw new AppError('USER_NOT_FOUND');
        const held = await repos.userFactors.forUser(userId);
        if (!held.some(isMain))
          throw new AppError('MFA_NOT_CONFIGURED', { message: `${user.username} has no MFA set up.` });
        const removable = (await deviceProvidersOf(repos, user, held)).filter((provider) => provider.removable);
        if (removable.length === 0)
          throw new AppError('VALIDATION_FAILED', {
            fields: {
              removeDevices: `None of the MFA methods of ${user.username} is with a provider Portcullis can remove devices from (Duo with the Admin API). Remove them in the provider's admin panel instead.`,
            },
          });
        devicesRemoved = await forgetDevices(deps.runtime, repos, user, removable, context, clock);
      }
      await storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const user = await repos.users.findById(userId);
        if (!user) throw new AppError('USER_NOT_FOUND');
        const held = await repos.userFactors.forUser(userId);
        if (!held.some(isMain))
          throw new AppError('MFA_NOT_CONFIGURED', { message: `${user.username} has no MFA set up.` });
        const providers = [
          ...new Set(held.filter(isMain).map((factor) => factor.provider?.name ?? factor.label)),
        ].sort();
        await repos.userFactors.removeForUser(userId);
        const sessionsEnded = await repos.sessions.deleteForUser(userId);
        const now = clock();
        await repos.audit.record(
          {
            type: 'user.mfa_reset',
            outcome: 'success',
            target: target(user),
            details: { provider: providers.join(', '), sessionsEnded, factors: held.length },
          },
          context,
          now,
        );
        await auditDevicesRemoved(repos, user, devicesRemoved, context, now);
      });
      return { devicesRemoved };
    },
  };
}

export type FactorService = ReturnType<typeof createFactorService>;
