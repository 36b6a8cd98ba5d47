import type { AuditContext } from '../audit/events.ts';
import { SecretBoxError } from '../crypto/secret-box.ts';
import { hashToken, randomToken } from '../crypto/tokens.ts';
import { createRepos } from '../db/repos/index.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import type { UserFactor } from '../db/repos/user-factors-repo.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import { MFA_PENDING_LIMIT } from '../login/throttle-policy.ts';
import { storedCredentialOf } from '../mfa/factors/credentials.ts';
import { readMfaPolicy } from '../mfa/policy.ts';
import { type PrecheckRefusal, precheckVerdict } from '../mfa/precheck.ts';
import { typeOfRecord } from '../mfa/provider-runtime.ts';
import type { HealthResult, MfaProviderType, RedirectProvider } from '../mfa/provider-type.ts';
import { challengeSecretAad } from './challenge-state.ts';
import { CHALLENGE_LIFETIME_MS, type SignInDeps } from './deps.ts';
import type { StepUpRequirement } from './factor-choices.ts';
import type { FactorChoice, Purpose } from './outcome.ts';

/** What a challenge is for: proving a factor the user holds, or enrolling one with a provider. */
export type Candidate =
  /** `group`: for a security key, every key of the user's with this provider (any of them will do). */
  | { kind: 'prove'; factor: UserFactor; choice: FactorChoice; group?: UserFactor[] }
  | { kind: 'enrol'; providerId: number; choice: FactorChoice; replace: boolean; label: string | null };

/** The sign-in this challenge belongs to, carried from one challenge to the next ("Use another method"). */
export interface ChallengeContext {
  user: UserWithHash;
  purpose: Purpose;
  returnPath: string;
  sessionIdHash: string | null;
  passwordAt: number | null;
  attempts: number;
  /** The browser's login-cookie value, reused so two tabs do not cancel each other. */
  browserBinding: string;
  audit: AuditContext;
  /** A step-up for an application that asks for given kinds of MFA: kept with the challenge for "Use another method". */
  stepUp?: StepUpRequirement;
}

export type Started =
  | { ok: true; id: string; kind: 'redirect' | 'code' | 'enrol_code' | 'ceremony'; url: string | null }
  | {
      ok: false;
      /** The audit reason: provider_disabled, application_url_invalid, secret_unopenable, health_<status>. */
      reason: string;
      provider: ProviderRecord | null;
      check: HealthResult | null;
      /** A network or 5xx failure of a provider that fails open: the only case fail-open may apply to. */
      failsOpen: boolean;
      /** The provider's pre-check refused this user (locked out, ...): the sign-in says why, with this code. */
      refusal?: PrecheckRefusal;
    }
  | { ok: false; reason: 'too_many_mfa_requests'; throttled: true; provider: null; check: null; failsOpen: false };

const unavailable = (reason: string, provider: ProviderRecord | null, check: HealthResult | null = null) =>
  ({ ok: false, reason, provider, check, failsOpen: false }) as const;

/**
 * Starts one challenge: checks that its provider can be used now (enabled, its secret opens, for a
 * redirect the Application URL and a live health check), then writes the challenge row. With
 * `pending`, a redirect challenge is only reserved (no state yet): the page offers "Continue" beside
 * the user's other methods, and the trip to the provider starts when the user picks it.
 */
export function createChallengeStarter(deps: SignInDeps) {
  const { storage, runtime, clock } = deps;

  async function usableProvider(
    providerId: number | null,
    context: ChallengeContext,
  ): Promise<{ ok: true; record: ProviderRecord; type: MfaProviderType } | ReturnType<typeof unavailable>> {
    const record = providerId === null ? undefined : await createRepos(storage.db).providers.findById(providerId);
    if (!record?.enabled) return unavailable('provider_disabled', record ?? null);
    try {
      runtime.instanceFor(record);
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      await deps.providers.markUnusable(record, context.audit);
      return unavailable('secret_unopenable', record);
    }
    return { ok: true, record, type: typeOfRecord(record) };
  }

  /** The provider's live health, through the 30-second cache; a change is kept as its last check. */
  async function health(record: ProviderRecord, appUrl: string): Promise<HealthResult> {
    const check = await deps.health.get(`${record.id}|${record.updatedAt}`, runtime.instanceFor(record, appUrl));
    // Written only on a change: a steady state costs no write per sign-in, and the Providers report
    // and the Attention card show an outage without anyone testing first.
    if (record.lastCheck?.status !== check.status) {
      await createRepos(storage.db).providers.recordCheck(record.id, {
        at: check.checkedAt,
        status: check.status,
        message: check.message,
      });
    }
    return check;
  }

  /**
   * The provider's pre-check of this user, when its type and settings offer one (ADR 0020): asked
   * live before each trip, never cached, so a user locked out a moment ago is not let through; a
   * pre-check that cannot run is skipped (audited) and never blocks the sign-in.
   */
  async function precheck(
    instance: RedirectProvider,
    record: ProviderRecord,
    subject: string,
    candidate: Candidate,
    context: ChallengeContext,
  ): Promise<{ go: true } | { go: false; code: PrecheckRefusal; reason: string }> {
    if (!instance.precheck) return { go: true };
    const result = await instance.precheck(subject);
    const enrolling = candidate.kind === 'enrol';
    const mfaRequired =
      result.status === 'not_enrolled' && !enrolling
        ? (await readMfaPolicy(createRepos(storage.db))).mode === 'required' && !context.user.mfaSkip
        : false;
    const verdict = precheckVerdict(result, { enrolling, mfaRequired });
    const audit = verdict.go ? verdict.audit : { outcome: 'failure' as const, reason: verdict.reason };
    if (audit) {
      await createRepos(storage.db).audit.record(
        {
          type: 'login.mfa_prechecked',
          outcome: audit.outcome,
          reason: audit.reason,
          target: { type: 'user', id: context.user.id, label: context.user.username },
          details: {
            provider: record.name,
            status: result.status,
            purpose: context.purpose,
            enrolling,
            cause: result.status === 'skipped' ? result.cause : null,
            message: result.status === 'skipped' ? result.message.slice(0, 300) : null,
          },
        },
        context.audit,
        clock(),
      );
    }
    return verdict.go ? { go: true } : verdict;
  }

  return {
    async start(
      candidate: Candidate,
      context: ChallengeContext,
      options: { pending: boolean; unavailable: string | null },
    ): Promise<Started> {
      const recovery = candidate.kind === 'prove' && candidate.factor.type === 'recovery_codes';
      const providerId = candidate.kind === 'prove' ? candidate.factor.providerId : candidate.providerId;
      const provider = recovery ? null : await usableProvider(providerId, context);
      if (provider && !provider.ok) return provider;
      const type = provider?.type ?? null;
      const now = clock();
      const repos = createRepos(storage.db);

      let url: string | null = null;
      let trip: { instance: RedirectProvider; subject: string } | null = null;
      let lookupHash: string | null = null;
      let state: Record<string, unknown> = {};
      const id = randomToken(16);
      if (provider && type?.challenge === 'redirect') {
        const appUrl = await deps.applicationUrl.current();
        if (!appUrl.url) return unavailable('application_url_invalid', provider.record);
        const check = await health(provider.record, appUrl.url);
        if (check.status !== 'ok') {
          return {
            ok: false,
            reason: `health_${check.status}`,
            provider: provider.record,
            check,
            failsOpen: check.outage && type.signInOptions(provider.record.config).failMode === 'open',
          };
        }
        if (!options.pending) {
          const subject = type.subjectFor(context.user, provider.record.config);
          const instance = runtime.instanceFor(provider.record, appUrl.url);
          if (instance.challenge !== 'redirect') throw new Error('provider type and instance disagree');
          trip = { instance, subject };
          const secretState = randomToken(32);
          const nonce = randomToken(32);
          lookupHash = hashToken(secretState);
          state = {
            nonce,
            subject,
            enrolling: candidate.kind === 'enrol',
            replace: candidate.kind === 'enrol' && candidate.replace,
          };
          url = instance.begin({ subject, state: secretState, nonce });
        }
      } else if (provider && type?.challenge === 'ceremony') {
        const appUrl = await deps.applicationUrl.current();
        if (!appUrl.url) return unavailable('application_url_invalid', provider.record);
        const instance = runtime.instanceFor(provider.record, appUrl.url);
        if (instance.challenge !== 'ceremony') throw new Error('provider type and instance disagree');
        if (candidate.kind === 'prove') {
          const keys = (candidate.group ?? [candidate.factor]).map(storedCredentialOf);
          const { options, challenge } = await instance.authenticationOptions({ allow: keys });
          state = { ceremony: 'authenticate', challenge, options };
        } else {
          // Keys the user already holds with this provider are excluded: the same key twice is refused by the browser.
          const held = await repos.userFactors.forUser(context.user.id);
          const exclude = held
            .filter((factor) => factor.providerId === provider.record.id && factor.credentialId)
            .map(storedCredentialOf);
          const { options, challenge } = await instance.registrationOptions({
            userId: context.user.id,
            username: context.user.username,
            displayName: context.user.displayName,
            exclude,
          });
          state = {
            ceremony: 'register',
            challenge,
            options,
            label: candidate.label ?? '',
            replace: candidate.replace,
          };
        }
      } else if (provider && type?.challenge === 'code' && candidate.kind === 'enrol') {
        const instance = runtime.instanceFor(provider.record);
        if (instance.challenge !== 'code') throw new Error('provider type and instance disagree');
        state = {
          sealedSecret: deps.secretBox.seal(instance.newSecret(), challengeSecretAad(id)),
          label: candidate.label ?? '',
          replace: candidate.replace,
        };
      }

      // Push bombing (ASVS 6.6.4): a bounded number of open challenges per account, whatever their kind.
      if ((await repos.challenges.countPending(context.user.id, now)) >= MFA_PENDING_LIMIT) {
        await repos.audit.record(
          {
            type: 'login.mfa_throttled',
            outcome: 'failure',
            reason: 'too_many_mfa_requests',
            target: { type: 'user', id: context.user.id, label: context.user.username },
            details: { provider: provider?.record.name ?? 'Recovery codes', limit: MFA_PENDING_LIMIT },
          },
          context.audit,
          now,
        );
        return {
          ok: false,
          reason: 'too_many_mfa_requests',
          throttled: true,
          provider: null,
          check: null,
          failsOpen: false,
        };
      }
      // After the throttle, so a flood of sign-ins costs the provider's Admin API nothing more.
      if (trip && provider) {
        const checked = await precheck(trip.instance, provider.record, trip.subject, candidate, context);
        if (!checked.go) {
          return {
            ok: false,
            reason: `precheck_${checked.reason}`,
            provider: provider.record,
            check: null,
            failsOpen: false,
            refusal: checked.code,
          };
        }
      }

      const kind =
        type?.challenge === 'redirect' || type?.challenge === 'ceremony'
          ? type.challenge
          : candidate.kind === 'enrol'
            ? 'enrol_code'
            : 'code';
      // Shown on the page: the method tried first is unavailable right now, so this one is offered.
      if (options.unavailable) state = { ...state, unavailable: options.unavailable };
      if (context.stepUp) state = { ...state, stepUpTypes: context.stepUp.factorTypes };
      const row = {
        id,
        lookupHash,
        kind,
        userId: context.user.id,
        factorId: candidate.kind === 'prove' ? candidate.factor.id : null,
        providerId: provider?.record.id ?? null,
        purpose: context.purpose,
        browserBinding: hashToken(context.browserBinding),
        sessionIdHash: context.sessionIdHash,
        returnPath: context.returnPath,
        state,
        passwordAt: context.passwordAt,
        attempts: context.attempts,
        ip: context.audit.ip,
        userAgent: context.audit.userAgent?.slice(0, 512) ?? null,
        createdAt: now,
        expiresAt: now + CHALLENGE_LIFETIME_MS,
      } as const;
      if (url === null) {
        await repos.challenges.insert(row);
      } else {
        // The user leaves for the provider: the trip is audited with the challenge that allows the way back.
        await storage.db.transaction().execute(async (trx) => {
          const tx = createRepos(trx);
          await tx.challenges.insert(row);
          await tx.audit.record(
            {
              type: 'login.mfa_started',
              outcome: 'success',
              target: { type: 'user', id: context.user.id, label: context.user.username },
              details: {
                provider: provider?.record.name ?? '',
                purpose: context.purpose,
                enrolling: candidate.kind === 'enrol',
              },
            },
            { ...context.audit, actor: { id: context.user.id, username: context.user.username } },
            now,
          );
        });
      }
      return { ok: true, id, kind, url };
    },
  };
}

export type ChallengeStarter = ReturnType<typeof createChallengeStarter>;
