import { hashToken } from '../crypto/tokens.ts';
import type { ChallengeRecord } from '../db/repos/challenges-repo.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import type { UserFactor } from '../db/repos/user-factors-repo.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import { publicDataOf, storedCredentialOf } from '../mfa/factors/credentials.ts';
import { typeOfRecord } from '../mfa/provider-runtime.ts';
import type { CeremonyProvider } from '../mfa/provider-type.ts';
import { auditMfaFailed } from './audit.ts';
import { readCeremonyState } from './challenge-state.ts';
import { CHALLENGE_CHECKS, firstFailing } from './checks.ts';
import type { SignInDeps, SignInRequest } from './deps.ts';
import { finishChallenge, NotFinished } from './finish.ts';
import { type FailureCode, failure, type SignInOutcome } from './outcome.ts';

/** The credential id the browser's answer names (the library checks the rest). */
export function credentialIdOf(response: unknown): string | null {
  const id = (response as { id?: unknown } | null)?.id;
  return typeof id === 'string' && /^[A-Za-z0-9_-]{16,1400}$/.test(id) ? id : null;
}

/**
 * A security key's answer to a WebAuthn ceremony on the verify page: registering a new key, or
 * proving one. The challenge is checked without being spent (checks.ts), then the response is verified
 * against it; a signature counter that went back means a possibly cloned key: refused, flagged on the
 * key for the user and the administrators.
 */
export function createCeremonyAnswer(deps: SignInDeps) {
  const { storage, clock } = deps;

  async function refuse(
    repos: Repos,
    request: SignInRequest,
    reason: string,
    code: FailureCode,
    about: { challenge?: ChallengeRecord; user?: UserWithHash; provider?: ProviderRecord | null; message?: string },
  ): Promise<SignInOutcome> {
    await auditMfaFailed(repos, request.audit, clock(), {
      reason,
      user: about.user,
      provider: about.provider?.name ?? null,
      purpose: about.challenge?.purpose ?? null,
      message: about.message ?? null,
    });
    return failure(code, about.challenge?.purpose ?? null, {
      ...(about.challenge && code !== 'MFA_EXPIRED' && { retryChallengeId: about.challenge.id }),
    });
  }

  /** A counter that went back: the key may have been copied. Flagged on the key and in the audit log. */
  async function flagClone(repos: Repos, request: SignInRequest, factor: UserFactor, user: UserWithHash) {
    const now = clock();
    await repos.userFactors.setPublicData(factor.id, { ...(factor.publicData ?? {}), cloneSuspectedAt: now });
    await repos.audit.record(
      {
        type: 'user.factor_clone_suspected',
        outcome: 'failure',
        reason: 'counter_regressed',
        target: { type: 'user', id: user.id, label: user.username },
        details: { label: factor.label, storedCounter: factor.counter ?? 0 },
      },
      request.audit,
      now,
    );
  }

  return async function answerCeremony(
    input: { challengeId: string; response: unknown; label?: string },
    request: SignInRequest,
  ): Promise<SignInOutcome> {
    const repos = createRepos(storage.db);
    const challenge = await repos.challenges.find(input.challengeId);
    const [user, provider] = await Promise.all([
      challenge ? repos.users.findById(challenge.userId) : undefined,
      challenge?.providerId ? repos.providers.findById(challenge.providerId) : undefined,
    ]);
    const binding = request.browserBinding ? hashToken(request.browserBinding) : null;
    const failing = firstFailing(CHALLENGE_CHECKS, {
      now: clock(),
      browserBinding: binding,
      challenge,
      pathProviderId: null,
      provider,
      user,
      sessionIdHash: request.session?.idHash ?? null,
      maxAttempts: 1,
    });
    const about = { ...(challenge && { challenge }), ...(user && { user }), provider: provider ?? null };
    if (failing) return refuse(repos, request, failing.name, failing.code, about);
    if (!challenge || !user || !provider || !binding) throw new Error('checks passed without their facts');
    const known = { challenge, user, provider };
    const state = readCeremonyState(challenge.state);
    if (challenge.kind !== 'ceremony' || !state) return refuse(repos, request, 'not_a_ceremony', 'MFA_FAILED', known);
    const appUrl = await deps.applicationUrl.current();
    if (!appUrl.url) return refuse(repos, request, 'application_url_invalid', 'MFA_UNAVAILABLE', known);
    const instance = deps.runtime.instanceFor(provider, appUrl.url) as CeremonyProvider;
    if (typeOfRecord(provider).challenge !== 'ceremony')
      return refuse(repos, request, 'not_a_ceremony', 'MFA_FAILED', known);
    const credentialId = credentialIdOf(input.response);
    if (!credentialId) return refuse(repos, request, 'response_malformed', 'MFA_KEY_REFUSED', known);

    try {
      if (state.ceremony === 'register') {
        const registered = await instance.verifyRegistration(input.response, state.challenge);
        if (!registered.ok) {
          const code = registered.reason === 'model_not_allowed' ? 'MFA_KEY_MODEL_REFUSED' : 'MFA_KEY_REFUSED';
          return refuse(repos, request, registered.reason, code, { ...known, message: registered.message });
        }
        if (await repos.userFactors.findByCredentialId(registered.credential.id))
          return refuse(repos, request, 'credential_already_registered', 'MFA_KEY_REFUSED', known);
        const label = (input.label ?? '').trim() || state.label || 'Security key';
        return await finishChallenge(
          deps,
          challenge,
          user,
          request,
          {
            type: 'webauthn',
            provider,
            amr: [
              registered.credential.backupEligible ? 'swk' : 'hwk',
              'user',
              ...(registered.credential.userVerified ? ['pin'] : []),
            ],
            method: 'webauthn',
            txid: null,
            enrolment: {
              label,
              secret: null,
              replace: state.replace,
              reuseSameProvider: false,
              credential: {
                id: registered.credential.id,
                publicData: publicDataOf(registered.credential),
                counter: registered.credential.counter,
              },
            },
            counter: null,
            phishingResistant: true,
          },
          { take: { browserBinding: binding, maxAttempts: 1 } },
        );
      }
      // Proving: the key must be one of this user's, with this provider (another user's credential is refused).
      const factor = await repos.userFactors.findByCredentialId(credentialId);
      if (!factor || factor.userId !== user.id || factor.providerId !== provider.id)
        return refuse(repos, request, 'credential_unknown', 'MFA_KEY_REFUSED', known);
      const verified = await instance.verifyAuthentication(
        input.response,
        storedCredentialOf(factor),
        state.challenge,
        {
          requireUserVerification: false,
        },
      );
      if (!verified.ok) {
        if (verified.reason === 'counter_regressed') await flagClone(repos, request, factor, user);
        return refuse(repos, request, verified.reason, 'MFA_KEY_REFUSED', { ...known, message: verified.message });
      }
      await repos.userFactors.setPublicData(factor.id, { ...(factor.publicData ?? {}), backedUp: verified.backedUp });
      return await finishChallenge(
        deps,
        challenge,
        user,
        request,
        {
          type: 'webauthn',
          provider,
          amr: verified.amr,
          method: 'webauthn',
          txid: null,
          enrolment: null,
          counter: null,
          signature: { factorId: factor.id, counter: verified.counter },
          phishingResistant: true,
        },
        { take: { browserBinding: binding, maxAttempts: 1 } },
      );
    } catch (error) {
      if (!(error instanceof NotFinished)) throw error;
      return refuse(repos, request, error.reason, 'MFA_EXPIRED', known);
    }
  };
}
