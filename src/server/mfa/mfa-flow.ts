import type { AuditContext } from '../audit/events.ts';
import { SecretBoxError } from '../crypto/secret-box.ts';
import { hashToken, randomToken, safeEqual } from '../crypto/tokens.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import type { LoginPurpose, LoginTransaction } from '../db/repos/login-transactions-repo.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import { AppError } from '../errors/catalogue.ts';
import { mayFailOpen } from '../login/mfa-decision.ts';
import { providerUsername } from '../login/provider-username.ts';
import { MFA_PENDING_LIMIT } from '../login/throttle-policy.ts';
import type { ApplicationUrlService } from '../settings/application-url.ts';
import type { HealthCache } from './health-cache.ts';
import type { ProviderRuntime } from './provider-runtime.ts';
import { typeOfRecord } from './provider-runtime.ts';
import type { ProviderService } from './provider-service.ts';
import type { HealthResult, MfaSuccess } from './provider-type.ts';

/**
 * What the sign-in page may say about why MFA is unavailable: a category, never internals. An outage
 * invites "try again later"; the others need an administrator.
 */
export function unavailableReason(
  auditReason: string,
): 'outage' | 'provider_disabled' | 'no_default_provider' | 'application_url' | 'provider_error' {
  if (auditReason === 'health_unreachable') return 'outage';
  if (auditReason === 'provider_disabled') return 'provider_disabled';
  if (auditReason === 'no_default_provider') return 'no_default_provider';
  if (auditReason === 'application_url_invalid') return 'application_url';
  return 'provider_error';
}

/** OOB requests live at most 10 minutes (ASVS 6.5.5), long enough for Duo's inline enrolment. */
export const TRANSACTION_LIFETIME_MS = 10 * 60 * 1000;
const STATE_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export type StartResult =
  | { kind: 'redirect'; url: string; browserBinding: string }
  | { kind: 'bypass'; provider: ProviderRecord; check: HealthResult };

export interface StartInput {
  user: UserWithHash;
  providerId: number;
  purpose: LoginPurpose;
  enrolling: boolean;
  returnPath: string;
  sessionIdHash: string | null;
  /** The browser's existing login-binding value, reused so two tabs do not cancel each other. */
  browserBinding: string | undefined;
}

export type CompleteResult =
  | { ok: true; transaction: LoginTransaction; user: UserWithHash; provider: ProviderRecord; mfa: MfaSuccess }
  | {
      ok: false;
      code: 'MFA_DENIED' | 'MFA_FAILED' | 'MFA_EXPIRED' | 'MFA_UNAVAILABLE';
      purpose: LoginPurpose | null;
      returnPath: string | null;
    };

/**
 * The MFA round trip (Duo Universal Prompt today): a transaction row bound to this browser and this
 * provider, a full-page redirect to the provider, and on return a single atomic take of the row
 * before anything is redeemed. Every outcome is audited.
 */
export function createMfaFlow(deps: {
  storage: Storage;
  runtime: ProviderRuntime;
  providers: ProviderService;
  applicationUrl: ApplicationUrlService;
  health: HealthCache;
  clock: () => number;
}) {
  const { storage, runtime, clock } = deps;

  /** MFA cannot start: fail closed, audited with the provider (or the user when there is none), never a session. */
  async function unavailable(
    context: AuditContext,
    reason: string,
    about: { provider?: ProviderRecord | null; check?: HealthResult | null; user?: UserWithHash },
  ): Promise<never> {
    const { provider = null, check = null, user } = about;
    const target = provider
      ? { type: 'mfa_provider' as const, id: provider.id, label: provider.name }
      : user && { type: 'user' as const, id: user.id, label: user.username };
    await createRepos(storage.db).audit.record(
      {
        type: 'login.mfa_unavailable',
        outcome: 'failure',
        reason,
        ...(target && { target }),
        details: { provider: provider?.name ?? null, check: check?.status ?? null, cause: check?.cause ?? null },
      },
      context,
      clock(),
    );
    throw new AppError('MFA_UNAVAILABLE', { details: { reason: unavailableReason(reason) } });
  }

  async function failed(
    context: AuditContext,
    reason: string,
    transaction: LoginTransaction | null,
    provider: ProviderRecord | null,
    code: Exclude<CompleteResult, { ok: true }>['code'],
    message: string | null = null,
  ): Promise<CompleteResult> {
    const repos = createRepos(storage.db);
    // The portal's own name for the user (what the console searches by), not the name sent to Duo.
    const user = transaction ? await repos.users.findById(transaction.userId) : undefined;
    await repos.audit.record(
      {
        type: 'login.mfa_failed',
        outcome: 'failure',
        reason,
        ...(transaction && {
          target: {
            type: 'user' as const,
            id: transaction.userId,
            label: user?.username ?? transaction.providerUsername,
          },
        }),
        details: { provider: provider?.name ?? null, purpose: transaction?.purpose ?? null, message },
      },
      context,
      clock(),
    );
    return { ok: false, code, purpose: transaction?.purpose ?? null, returnPath: transaction?.returnPath ?? null };
  }

  return {
    /** Deletes abandoned round trips past their expiry (they are refused on use anyway; this is retention). */
    async sweepExpired(): Promise<number> {
      return createRepos(storage.db).loginTransactions.deleteExpired(clock());
    },

    /** A callback too malformed to look up (a parameter given twice): refused and audited, nothing taken. */
    async rejectMalformed(reason: string, context: AuditContext): Promise<CompleteResult> {
      return failed(context, reason, null, null, 'MFA_FAILED');
    },

    /** The policy says MFA, but no usable provider exists for this user: fail closed, audited. */
    refuse(user: UserWithHash, reason: string, context: AuditContext): Promise<never> {
      return unavailable(context, reason, { user });
    },

    async start(input: StartInput, context: AuditContext): Promise<StartResult> {
      const repos = createRepos(storage.db);
      const appUrl = await deps.applicationUrl.current();
      const record = await repos.providers.findById(input.providerId);
      if (!record?.enabled) return unavailable(context, 'provider_disabled', { provider: record ?? null });
      if (!appUrl.url) return unavailable(context, 'application_url_invalid', { provider: record });
      let provider: ReturnType<ProviderRuntime['instanceFor']>;
      try {
        provider = runtime.instanceFor(record, appUrl.url);
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        await deps.providers.markUnusable(record, context);
        return unavailable(context, 'secret_unopenable', { provider: record });
      }
      const type = typeOfRecord(record);
      const options = type.signInOptions(record.config);
      const check = await deps.health.get(`${record.id}|${record.updatedAt}`, provider);
      // A change of health seen at sign-in is kept as the provider's last check, so the Providers
      // report and the administrators' attention card show an outage without anyone testing first.
      // Written only on a change: a steady state costs no write per sign-in.
      if (record.lastCheck?.status !== check.status) {
        await repos.providers.recordCheck(record.id, {
          at: check.checkedAt,
          status: check.status,
          message: check.message,
        });
      }
      if (check.status !== 'ok') {
        if (
          input.purpose === 'sign_in' &&
          mayFailOpen({ failMode: options.failMode, outage: check.outage, role: input.user.role })
        ) {
          return { kind: 'bypass', provider: record, check };
        }
        return unavailable(context, `health_${check.status}`, { provider: record, check });
      }

      const now = clock();
      if ((await repos.loginTransactions.countPending(input.user.id, now)) >= MFA_PENDING_LIMIT) {
        await repos.audit.record(
          {
            type: 'login.mfa_throttled',
            outcome: 'failure',
            reason: 'too_many_mfa_requests',
            target: { type: 'user', id: input.user.id, label: input.user.username },
            details: { provider: record.name, limit: MFA_PENDING_LIMIT },
          },
          context,
          now,
        );
        throw new AppError('MFA_THROTTLED', { retryAfterSeconds: Math.ceil(TRANSACTION_LIFETIME_MS / 1000) });
      }

      const state = randomToken(32);
      const nonce = randomToken(32);
      const binding =
        input.browserBinding && STATE_FORMAT.test(input.browserBinding) ? input.browserBinding : randomToken(32);
      const username = providerUsername(input.user, options.username);
      await storage.db.transaction().execute(async (trx) => {
        const tx = createRepos(trx);
        await tx.loginTransactions.insert({
          stateHash: hashToken(state),
          nonce,
          purpose: input.purpose,
          userId: input.user.id,
          providerId: record.id,
          browserBinding: hashToken(binding),
          sessionIdHash: input.sessionIdHash,
          returnPath: input.returnPath,
          providerUsername: username,
          enrolling: input.enrolling,
          ip: context.ip,
          userAgent: context.userAgent?.slice(0, 512) ?? null,
          createdAt: now,
          expiresAt: now + TRANSACTION_LIFETIME_MS,
        });
        await tx.audit.record(
          {
            type: 'login.mfa_started',
            outcome: 'success',
            target: { type: 'user', id: input.user.id, label: input.user.username },
            details: { provider: record.name, purpose: input.purpose, enrolling: input.enrolling },
          },
          { ...context, actor: { id: input.user.id, username: input.user.username } },
          now,
        );
      });
      return { kind: 'redirect', url: provider.begin({ username, state, nonce }), browserBinding: binding };
    },

    /**
     * The browser came back on `/api/auth/mfa/<providerId>/callback`. The transaction is taken (and so
     * spent) before anything else, then every binding is checked; only then is the code redeemed.
     */
    async complete(
      input: { providerId: number; query: Record<string, string>; browserBinding: string | undefined },
      context: AuditContext,
    ): Promise<CompleteResult> {
      const state = input.query.state ?? '';
      if (!STATE_FORMAT.test(state)) return failed(context, 'state_malformed', null, null, 'MFA_EXPIRED');
      const repos = createRepos(storage.db);
      const transaction = await repos.loginTransactions.take(hashToken(state));
      if (!transaction) return failed(context, 'state_unknown_or_used', null, null, 'MFA_EXPIRED');
      if (transaction.expiresAt <= clock())
        return failed(context, 'transaction_expired', transaction, null, 'MFA_EXPIRED');
      if (!input.browserBinding || !safeEqual(hashToken(input.browserBinding), transaction.browserBinding)) {
        return failed(context, 'other_browser', transaction, null, 'MFA_FAILED');
      }
      const record = await repos.providers.findById(transaction.providerId);
      if (transaction.providerId !== input.providerId)
        return failed(context, 'provider_mix_up', transaction, record ?? null, 'MFA_FAILED');
      if (!record?.enabled) return failed(context, 'provider_disabled', transaction, record ?? null, 'MFA_UNAVAILABLE');
      const user = await repos.users.findById(transaction.userId);
      if (!user || user.disabled) return failed(context, 'user_disabled', transaction, record, 'MFA_FAILED');
      const callback = typeOfRecord(record).readCallback(input.query);
      if (!callback.ok)
        return failed(
          context,
          callback.reason,
          transaction,
          record,
          callback.reason.startsWith('provider_error') ? 'MFA_DENIED' : 'MFA_FAILED',
        );
      const appUrl = await deps.applicationUrl.current();
      if (!appUrl.url) return failed(context, 'application_url_invalid', transaction, record, 'MFA_UNAVAILABLE');
      let provider: ReturnType<ProviderRuntime['instanceFor']>;
      try {
        provider = runtime.instanceFor(record, appUrl.url);
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        await deps.providers.markUnusable(record, context);
        return failed(context, 'secret_unopenable', transaction, record, 'MFA_UNAVAILABLE');
      }
      const result = await provider.complete({
        code: callback.code,
        username: transaction.providerUsername,
        nonce: transaction.nonce,
      });
      // The provider's message is safe to keep (the Duo client scrubs secrets, codes and tokens from it),
      // and it is what an operator needs to act on (case 37).
      if (!result.ok) return failed(context, result.reason, transaction, record, result.code, result.message);
      return { ok: true, transaction, user, provider: record, mfa: result };
    },
  };
}

export type MfaFlow = ReturnType<typeof createMfaFlow>;
