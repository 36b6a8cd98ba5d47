import { SecretBoxError } from '../crypto/secret-box.ts';
import { hashToken } from '../crypto/tokens.ts';
import type { ChallengeRecord } from '../db/repos/challenges-repo.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import { CODE_ATTEMPTS, codeThrottleKey } from '../login/throttle-policy.ts';
import { hashRecoveryCode, normaliseRecoveryCode } from '../mfa/factors/recovery-codes.ts';
import type { CodeProvider } from '../mfa/provider-type.ts';
import { auditMfaFailed } from './audit.ts';
import { challengeSecretAad, factorSecretAad, readEnrolCodeState } from './challenge-state.ts';
import { CHALLENGE_CHECKS, firstFailing, normaliseCode } from './checks.ts';
import type { SignInDeps, SignInRequest } from './deps.ts';
import { finishChallenge, NotFinished, type Proven } from './finish.ts';
import { type FailureCode, failure, type SignInOutcome } from './outcome.ts';

/**
 * A typed code: an authenticator app's TOTP code, a first code confirming a new app, or a recovery
 * code. The challenge is checked (checks.ts) without spending it; a wrong code counts against the
 * challenge and the user (shared by every node); a right one takes the challenge and moves the
 * factor's counter in one transaction, so the same code, or an older one, is accepted only once.
 */
export function createCodeAnswer(deps: SignInDeps) {
  const { storage, clock } = deps;

  async function refuse(
    repos: Repos,
    request: SignInRequest,
    reason: string,
    code: FailureCode,
    about: { challenge?: ChallengeRecord; user?: UserWithHash; provider?: ProviderRecord | null },
    extra: Parameters<typeof failure>[2] = {},
  ): Promise<SignInOutcome> {
    await auditMfaFailed(repos, request.audit, clock(), {
      reason,
      user: about.user,
      provider: about.provider?.name ?? (about.challenge?.providerId === null ? 'Recovery codes' : null),
      purpose: about.challenge?.purpose ?? null,
    });
    return failure(code, about.challenge?.purpose ?? null, extra);
  }

  /** A wrong code: counted on the challenge and the user; at the limit the challenge is closed. */
  async function wrongCode(
    repos: Repos,
    request: SignInRequest,
    reason: 'wrong_code' | 'code_reused',
    about: { challenge: ChallengeRecord; user: UserWithHash; provider: ProviderRecord | null },
    binding: string,
  ): Promise<SignInOutcome> {
    const now = clock();
    const attempts = (await repos.challenges.recordAttempt(about.challenge.id, binding)) ?? CODE_ATTEMPTS.perChallenge;
    const key = codeThrottleKey(about.user.id);
    const failures = await repos.throttle.recordFailure(key, now, CODE_ATTEMPTS.perUser.forgetAfterMs);
    if (failures >= CODE_ATTEMPTS.perUser.freeFailures)
      await repos.throttle.lockUntil(key, now + CODE_ATTEMPTS.perUser.lockMs);
    if (attempts >= CODE_ATTEMPTS.perChallenge) {
      await repos.challenges.delete(about.challenge.id);
      return refuse(repos, request, reason, 'MFA_CODE_LOCKED', about);
    }
    return refuse(repos, request, reason, reason === 'code_reused' ? 'MFA_CODE_REUSED' : 'MFA_CODE_WRONG', about, {
      retryChallengeId: about.challenge.id,
      attemptsLeft: CODE_ATTEMPTS.perChallenge - attempts,
    });
  }

  function codeProvider(provider: ProviderRecord): CodeProvider {
    const instance = deps.runtime.instanceFor(provider);
    if (instance.challenge !== 'code') throw new Error('a code challenge with a redirect provider');
    return instance;
  }

  return async function answerCode(
    input: { challengeId: string; code: string; label?: string },
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
      maxAttempts: CODE_ATTEMPTS.perChallenge,
    });
    const about = { ...(challenge && { challenge }), ...(user && { user }), provider: provider ?? null };
    if (failing) {
      if (challenge && failing.name === 'transaction_expired') await repos.challenges.delete(challenge.id);
      return refuse(repos, request, failing.name, failing.code, about);
    }
    if (!challenge || !user || !binding) throw new Error('checks passed without their facts');
    const known = { challenge, user, provider: provider ?? null };
    if (challenge.kind === 'redirect') return refuse(repos, request, 'not_a_code_challenge', 'MFA_FAILED', known);

    const lock = await repos.throttle.get(codeThrottleKey(user.id));
    const now = clock();
    if (lock?.lockedUntil && lock.lockedUntil > now) {
      return refuse(repos, request, 'user_code_locked', 'MFA_CODE_THROTTLED', known, {
        retryAfterSeconds: Math.ceil((lock.lockedUntil - now) / 1000),
      });
    }

    const factor = challenge.factorId ? await repos.userFactors.findById(challenge.factorId) : undefined;
    if (challenge.kind === 'code' && !factor) return refuse(repos, request, 'factor_removed', 'MFA_FAILED', known);
    const recovery = factor?.type === 'recovery_codes';
    const retry = { retryChallengeId: challenge.id };

    let proven: Proven;
    if (recovery && factor) {
      const normalised = normaliseRecoveryCode(input.code);
      if (!normalised)
        return refuse(repos, request, 'code_malformed', 'MFA_CODE_INVALID', known, {
          ...retry,
          message: 'Enter one of your recovery codes: 16 letters and digits, such as 4k7q-2m9x-h3tp-8wcz.',
        });
      proven = {
        type: 'recovery_codes',
        provider: null,
        amr: [],
        method: 'recovery_code',
        txid: null,
        enrolment: null,
        counter: null,
        recoveryCodeHash: hashRecoveryCode(normalised),
      };
    } else {
      if (!provider) return refuse(repos, request, 'provider_disabled', 'MFA_UNAVAILABLE', known);
      const instance = codeProvider(provider);
      const code = normaliseCode(input.code);
      if (!new RegExp(`^\\d{${instance.digits}}$`).test(code))
        return refuse(repos, request, 'code_malformed', 'MFA_CODE_INVALID', known, {
          ...retry,
          message: `Enter the ${instance.digits}-digit code your authenticator app shows (digits only).`,
        });
      const enrol = challenge.kind === 'enrol_code' ? readEnrolCodeState(challenge.state) : null;
      if (challenge.kind === 'enrol_code' && !enrol)
        return refuse(repos, request, 'challenge_state_invalid', 'MFA_FAILED', known);
      let secret: string;
      try {
        secret = enrol
          ? deps.secretBox.open(enrol.sealedSecret, challengeSecretAad(challenge.id))
          : deps.secretBox.open(factor?.sealedSecret ?? '', factorSecretAad(factor?.id ?? ''));
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        return refuse(repos, request, 'secret_unopenable', 'MFA_UNAVAILABLE', known);
      }
      const check = instance.verify(secret, code);
      if (!check.ok) return wrongCode(repos, request, 'wrong_code', known, binding);
      const label = (input.label ?? '').trim() || enrol?.label || provider.name;
      proven = {
        type: 'totp',
        provider,
        amr: ['otp'],
        method: 'totp',
        txid: null,
        enrolment: enrol ? { label, secret, replace: enrol.replace, reuseSameProvider: false } : null,
        counter: check.step,
      };
    }

    try {
      const outcome = await finishChallenge(deps, challenge, user, request, proven, {
        take: { browserBinding: binding, maxAttempts: CODE_ATTEMPTS.perChallenge },
      });
      const key = codeThrottleKey(user.id);
      if (lock) await repos.throttle.clear(key);
      return outcome;
    } catch (error) {
      if (!(error instanceof NotFinished)) throw error;
      if (error.reason === 'state_unknown_or_used' || error.reason === 'signature_counter_replayed')
        return refuse(repos, request, error.reason, 'MFA_EXPIRED', known);
      return wrongCode(repos, request, error.reason, known, binding);
    }
  };
}
