import { SecretBoxError } from '../crypto/secret-box.ts';
import { hashToken } from '../crypto/tokens.ts';
import type { ChallengeRecord } from '../db/repos/challenges-repo.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import { typeOfRecord } from '../mfa/provider-runtime.ts';
import { auditMfaFailed } from './audit.ts';
import { readRedirectState } from './challenge-state.ts';
import { CHALLENGE_CHECKS, firstFailing } from './checks.ts';
import type { SignInDeps, SignInRequest } from './deps.ts';
import { finishChallenge } from './finish.ts';
import { type FailureCode, failure, type SignInOutcome } from './outcome.ts';

/** The `state` we send is 32 random bytes, base64url: anything else is not ours. */
const STATE_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The browser's return from a redirect provider (`/api/auth/mfa/<providerId>/callback`). The
 * challenge is found by its state and checked (table in checks.ts) before anything is spent; it is
 * taken only when state and browser both match, and only then is the provider's code redeemed.
 */
export function createCallbackAnswer(deps: SignInDeps) {
  const { storage, clock } = deps;

  async function refuse(
    repos: Repos,
    request: SignInRequest,
    reason: string,
    code: FailureCode,
    about: { challenge?: ChallengeRecord; user?: UserWithHash; provider?: ProviderRecord; message?: string | null },
  ): Promise<SignInOutcome> {
    await auditMfaFailed(repos, request.audit, clock(), {
      reason,
      user: about.user,
      provider: about.provider?.name ?? null,
      purpose: about.challenge?.purpose ?? null,
      message: about.message ?? null,
    });
    return failure(code, about.challenge?.purpose ?? null);
  }

  return async function answerCallback(
    input: { providerId: number; query: Record<string, string> | null },
    request: SignInRequest,
  ): Promise<SignInOutcome> {
    const repos = createRepos(storage.db);
    // A parameter given twice is an attempt to confuse the parser (ASVS 15.3.7): no single value is trusted.
    if (!input.query) return refuse(repos, request, 'duplicated_parameter', 'MFA_FAILED', {});
    const query = input.query;
    const state = query.state ?? '';
    if (!STATE_FORMAT.test(state)) return refuse(repos, request, 'state_malformed', 'MFA_EXPIRED', {});
    const lookupHash = hashToken(state);
    const challenge = await repos.challenges.findByLookup(lookupHash);
    const [user, provider] = await Promise.all([
      challenge ? repos.users.findById(challenge.userId) : undefined,
      challenge?.providerId ? repos.providers.findById(challenge.providerId) : undefined,
    ]);
    const binding = request.browserBinding ? hashToken(request.browserBinding) : null;
    const failing = firstFailing(CHALLENGE_CHECKS, {
      now: clock(),
      browserBinding: binding,
      challenge,
      pathProviderId: input.providerId,
      provider,
      user,
      sessionIdHash: request.session?.idHash ?? null,
      maxAttempts: 1,
    });
    if (failing) {
      // An expired challenge is of no use to anyone: it goes (retention), and the user starts again.
      if (challenge && failing.name === 'transaction_expired') await repos.challenges.delete(challenge.id);
      return refuse(repos, request, failing.name, failing.code, {
        ...(challenge && { challenge }),
        ...(user && { user }),
        ...(provider && { provider }),
      });
    }
    if (!challenge || !user || !provider || !binding) throw new Error('checks passed without their facts');
    const taken = await repos.challenges.take({ lookupHash, browserBinding: binding, now: clock() });
    // Another request (another node) took it between the checks and here.
    if (!taken) return refuse(repos, request, 'state_unknown_or_used', 'MFA_EXPIRED', { user, provider });
    const about = { challenge: taken, user, provider };
    const redirect = readRedirectState(taken.state);
    if (!redirect) return refuse(repos, request, 'challenge_state_invalid', 'MFA_FAILED', about);
    const type = typeOfRecord(provider);
    if (type.challenge !== 'redirect') return refuse(repos, request, 'not_a_redirect_provider', 'MFA_FAILED', about);
    const callback = type.readCallback(query);
    if (!callback.ok) {
      const code = callback.reason.startsWith('provider_error') ? 'MFA_DENIED' : 'MFA_FAILED';
      return refuse(repos, request, callback.reason, code, about);
    }
    const appUrl = await deps.applicationUrl.current();
    if (!appUrl.url) return refuse(repos, request, 'application_url_invalid', 'MFA_UNAVAILABLE', about);
    let instance: ReturnType<typeof deps.runtime.instanceFor>;
    try {
      instance = deps.runtime.instanceFor(provider, appUrl.url);
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      await deps.providers.markUnusable(provider, request.audit);
      return refuse(repos, request, 'secret_unopenable', 'MFA_UNAVAILABLE', about);
    }
    if (instance.challenge !== 'redirect') throw new Error('provider type and instance disagree');
    const result = await instance.complete({ code: callback.code, subject: redirect.subject, nonce: redirect.nonce });
    // The provider's message is safe to keep (the Duo client scrubs secrets, codes and tokens from it),
    // and it is what an operator needs to act on.
    if (!result.ok) return refuse(repos, request, result.reason, result.code, { ...about, message: result.message });
    return finishChallenge(deps, taken, user, request, {
      type: type.id,
      provider,
      amr: result.amr,
      method: result.factor,
      txid: result.txid,
      enrolment:
        taken.factorId === null
          ? { label: provider.name, secret: null, replace: redirect.replace, reuseSameProvider: true }
          : null,
      counter: null,
    });
  };
}
