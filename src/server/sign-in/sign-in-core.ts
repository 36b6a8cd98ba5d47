import QRCode from 'qrcode';
import { SecretBoxError } from '../crypto/secret-box.ts';
import { hashToken, randomToken } from '../crypto/tokens.ts';
import type { ChallengeRecord } from '../db/repos/challenges-repo.ts';
import { createRepos } from '../db/repos/index.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import { CODE_ATTEMPTS } from '../login/throttle-policy.ts';
import { typeOfRecord } from '../mfa/provider-runtime.ts';
import { createCallbackAnswer } from './answer-callback.ts';
import { createCeremonyAnswer } from './answer-ceremony.ts';
import { createCodeAnswer } from './answer-code.ts';
import { type Candidate, type ChallengeContext, createChallengeStarter } from './begin.ts';
import { challengeSecretAad, readCeremonyState, readEnrolCodeState, readStepUp } from './challenge-state.ts';
import { CHALLENGE_CHECKS, firstFailing } from './checks.ts';
import type { SignInDeps, SignInRequest } from './deps.ts';
import { candidatesFor, choiceOf, loadUserFactors, type StepUpRequirement } from './factor-choices.ts';
import { type FactorChoice, failure, type Purpose, type SignInOutcome } from './outcome.ts';
import { createPasskeySignIn } from './passkey.ts';
import type { PasswordStep } from './password-step.ts';
import { presentCandidates, refuseUnavailable } from './present.ts';
import { openSession } from './session-opening.ts';

/** The binding cookie's value: 32 random bytes. A browser's existing one is reused (tabs share it). */
const BINDING_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** What the verify page shows for an open challenge. */
export interface ChallengeView {
  id: string;
  kind: ChallengeRecord['kind'];
  purpose: Purpose;
  factor: FactorChoice;
  alternatives: FactorChoice[];
  digits: number | null;
  attemptsLeft: number;
  expiresAt: number;
  /** A new authenticator app: what to scan or type. */
  enrolment: { uri: string; secretGroups: string[]; qrSvg: string; issuer: string } | null;
  /** The method tried first and unavailable right now. */
  unavailable: string | null;
  /** A security key: what the browser passes to navigator.credentials (create or get). */
  ceremony: { mode: 'register' | 'authenticate'; options: Record<string, unknown> } | null;
}

/**
 * The sign-in core: password step → policy decision → challenge(s) → outcome. No HTTP framework and
 * no SQL of its own (repositories only); the console's routes, and later forward-auth and OpenID
 * Connect, are adapters that turn its outcomes into cookies and redirects. See ADR 0009.
 */
export function createSignInCore(deps: SignInDeps & { passwordStep: PasswordStep }) {
  const { storage, clock } = deps;
  const { passwordStep } = deps;
  const starter = createChallengeStarter(deps);
  const answerCallback = createCallbackAnswer(deps);
  const answerCode = createCodeAnswer(deps);
  const answerCeremony = createCeremonyAnswer(deps);
  const passkey = createPasskeySignIn(deps);

  const bindingOf = (request: SignInRequest) =>
    request.browserBinding && BINDING_FORMAT.test(request.browserBinding) ? request.browserBinding : randomToken(32);

  function contextFor(
    user: UserWithHash,
    request: SignInRequest,
    step: {
      purpose: Purpose;
      returnPath: string;
      passwordAt: number | null;
      attempts: number;
      stepUp?: StepUpRequirement | null;
    },
  ): ChallengeContext {
    return {
      ...(step.stepUp && { stepUp: step.stepUp }),
      user,
      purpose: step.purpose,
      returnPath: step.returnPath,
      sessionIdHash: step.purpose === 'sign_in' ? null : (request.session?.idHash ?? null),
      passwordAt: step.passwordAt,
      attempts: step.attempts,
      browserBinding: bindingOf(request),
      audit: request.audit,
    };
  }

  /** A challenge of this browser, checked but not taken: for the verify page and "Use another method". */
  async function openChallenge(challengeId: string, request: SignInRequest) {
    const repos = createRepos(storage.db);
    const challenge = await repos.challenges.find(challengeId);
    const user = challenge ? await repos.users.findById(challenge.userId) : undefined;
    const failing = firstFailing(
      CHALLENGE_CHECKS.filter((check) => !['provider_mix_up', 'provider_disabled'].includes(check.name)),
      {
        now: clock(),
        browserBinding: request.browserBinding ? hashToken(request.browserBinding) : null,
        challenge,
        pathProviderId: null,
        provider: undefined,
        user,
        sessionIdHash: request.session?.idHash ?? null,
        maxAttempts: CODE_ATTEMPTS.perChallenge,
      },
    );
    return failing || !challenge || !user
      ? { ok: false as const, failing, challenge }
      : { ok: true as const, challenge, user };
  }

  async function passwordOnly(user: UserWithHash, purpose: Purpose, returnPath: string, request: SignInRequest) {
    const now = clock();
    const created = await storage.db.transaction().execute((trx) =>
      openSession(
        createRepos(trx),
        deps.sessions,
        {
          user,
          authLevel: 'password',
          amr: ['pwd'],
          purpose,
          authTime: now,
          factor: null,
          bypass: null,
          replaces: request.session,
        },
        request.audit,
        now,
      ),
    );
    return {
      kind: 'signed_in' as const,
      user: { id: user.id, username: user.username },
      authLevel: 'password' as const,
      amr: ['pwd'],
      authTime: now,
      purpose,
      returnPath,
      sessionToken: created.token,
      factorId: null,
      recoveryCodesLeft: null,
      deviceCookie: deps.devices.issue(user.username),
    };
  }

  return {
    verifyPassword: passwordStep.verifyPassword,
    signOut: passwordStep.signOut,

    /** After a correct password: a session now, or the challenge the policy asks for. */
    async afterPassword(
      user: UserWithHash,
      step: { purpose: 'sign_in' | 'reauthenticate'; returnPath: string },
      request: SignInRequest,
    ): Promise<SignInOutcome> {
      const repos = createRepos(storage.db);
      const held = await loadUserFactors(repos, user.id);
      const { decision, candidates } = await candidatesFor(repos, user, held, request.preferredFactorId);
      if (decision.kind === 'none') return passwordOnly(user, step.purpose, step.returnPath, request);
      const context = contextFor(user, request, { ...step, passwordAt: clock(), attempts: 0 });
      if (decision.kind === 'unavailable') return refuseUnavailable(deps, context, decision.reason, null);
      return presentCandidates(deps, starter, candidates, context, { startFirst: false, replaces: request.session });
    },

    /**
     * An application asks the browser's session for MFA (none yet, too old, or another kind): the MFA
     * step only, no password, for the session's own user, and the session continues (same start, same auth time) with its MFA renewed.
     * The browser comes back to `returnPath` once it is proven. See ADR 0019.
     */
    async stepUp(
      step: { returnPath: string; requirement: StepUpRequirement },
      request: SignInRequest,
    ): Promise<SignInOutcome> {
      const repos = createRepos(storage.db);
      const current = request.session ? await repos.sessions.findWithUser(request.session.idHash) : undefined;
      const user = current ? await repos.users.findById(current.userId) : undefined;
      if (!current || !user || user.disabled) return failure('MFA_FAILED', 'step_up');
      const held = await loadUserFactors(repos, user.id);
      const { decision, candidates } = await candidatesFor(
        repos,
        user,
        held,
        request.preferredFactorId,
        step.requirement,
      );
      // The challenge keeps the session's own auth time: a step-up proves a factor, not the password.
      const context = contextFor(user, request, {
        purpose: 'step_up',
        returnPath: step.returnPath,
        passwordAt: current.authenticatedAt,
        attempts: 0,
        stepUp: step.requirement,
      });
      if (decision.kind === 'none') return failure('MFA_FAILED', 'step_up');
      if (decision.kind === 'unavailable') return refuseUnavailable(deps, context, decision.reason, null);
      return presentCandidates(deps, starter, candidates, context, { startFirst: false, replaces: request.session });
    },

    /** My account › Configure MFA: prove a new factor with this provider (Duo enrols on its own pages). */
    async startEnrolment(
      user: UserWithHash,
      input: { providerId: number; replace: boolean; label: string | null; returnPath: string },
      request: SignInRequest,
    ): Promise<SignInOutcome> {
      const record = await createRepos(storage.db).providers.findById(input.providerId);
      const type = record ? typeOfRecord(record) : null;
      const candidate: Candidate = {
        kind: 'enrol',
        providerId: input.providerId,
        replace: input.replace,
        label: input.label,
        choice: {
          factorId: null,
          type: type?.id ?? 'duo',
          label: record?.name ?? '',
          method: type?.wording.method ?? '',
        },
      };
      const context = contextFor(user, request, {
        purpose: 'configure',
        returnPath: input.returnPath,
        passwordAt: null,
        attempts: 0,
      });
      return presentCandidates(deps, starter, [candidate], context, { startFirst: true, replaces: request.session });
    },

    /** "Use another method" (or "Continue" with a reserved one): the open challenge is replaced by the chosen one. */
    async choose(input: { challengeId: string; factorId: string }, request: SignInRequest): Promise<SignInOutcome> {
      const opened = await openChallenge(input.challengeId, request);
      if (!opened.ok) return failure(opened.failing?.code ?? 'MFA_EXPIRED', opened.challenge?.purpose ?? null);
      const { challenge, user } = opened;
      const repos = createRepos(storage.db);
      const stepUp = readStepUp(challenge);
      const { candidates } = await candidatesFor(repos, user, await loadUserFactors(repos, user.id), null, stepUp);
      const chosen = candidates.find(
        (candidate) =>
          (candidate.kind === 'prove' ? candidate.factor.id : `enrol:${candidate.providerId}`) === input.factorId,
      );
      if (!chosen) return failure('MFA_FAILED', challenge.purpose, { retryChallengeId: challenge.id });
      const taken = await repos.challenges.take({
        id: challenge.id,
        browserBinding: challenge.browserBinding,
        now: clock(),
      });
      if (!taken) return failure('MFA_EXPIRED', challenge.purpose);
      const context = contextFor(user, request, {
        purpose: taken.purpose,
        returnPath: taken.returnPath,
        passwordAt: taken.passwordAt,
        attempts: taken.attempts,
        stepUp,
      });
      const ordered = [chosen, ...candidates.filter((candidate) => candidate !== chosen)];
      return presentCandidates(deps, starter, ordered, context, { startFirst: true, replaces: request.session });
    },

    /** What the verify page shows; null when the challenge is not this browser's, or over. */
    async describe(challengeId: string, request: SignInRequest): Promise<ChallengeView | null> {
      const opened = await openChallenge(challengeId, request);
      if (!opened.ok) return null;
      const { challenge, user } = opened;
      const repos = createRepos(storage.db);
      const held = await loadUserFactors(repos, user.id);
      const { candidates } = await candidatesFor(repos, user, held, null, readStepUp(challenge));
      const record = challenge.providerId === null ? undefined : await repos.providers.findById(challenge.providerId);
      const own = held.factors.find((factor) => factor.id === challenge.factorId);
      const factor: FactorChoice = own
        ? choiceOf(own)
        : {
            factorId: null,
            type: (record?.type ?? 'totp') as FactorChoice['type'],
            label: record?.name ?? '',
            method: record ? typeOfRecord(record).wording.method : '',
          };
      let digits: number | null = null;
      let enrolment: ChallengeView['enrolment'] = null;
      if (record && (challenge.kind === 'code' || challenge.kind === 'enrol_code')) {
        const instance = deps.runtime.instanceFor(record);
        if (instance.challenge === 'code') {
          digits = instance.digits;
          const state = challenge.kind === 'enrol_code' ? readEnrolCodeState(challenge.state) : null;
          if (state) {
            let secret: string;
            try {
              secret = deps.secretBox.open(state.sealedSecret, challengeSecretAad(challenge.id));
            } catch (error) {
              if (error instanceof SecretBoxError) return null;
              throw error;
            }
            const uri = instance.uriFor(secret, user.username);
            enrolment = {
              uri,
              secretGroups: secret.match(/.{1,4}/g) ?? [secret],
              qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }),
              issuer: record.config.issuer ?? 'Portcullis',
            };
          }
        }
      }
      const ceremony = challenge.kind === 'ceremony' ? readCeremonyState(challenge.state) : null;
      return {
        id: challenge.id,
        kind: challenge.kind,
        purpose: challenge.purpose,
        // A security key's candidate speaks for all of the user's keys ("Security key or passkey").
        factor:
          candidates.find((candidate) => candidate.kind === 'prove' && candidate.factor.id === challenge.factorId)
            ?.choice ?? factor,
        alternatives: candidates
          .filter((candidate) => candidate.kind === 'prove' && candidate.factor.id !== challenge.factorId)
          .map((candidate) => candidate.choice),
        digits,
        attemptsLeft: CODE_ATTEMPTS.perChallenge - challenge.attempts,
        expiresAt: challenge.expiresAt,
        enrolment,
        unavailable: typeof challenge.state.unavailable === 'string' ? challenge.state.unavailable : null,
        ceremony: ceremony ? { mode: ceremony.ceremony, options: ceremony.options } : null,
      };
    },

    answerCallback,
    answerCode,
    answerCeremony,
    passkey,

    /** Deletes abandoned challenges past their expiry (they are refused on use anyway; this is retention). */
    async sweepExpired(): Promise<number> {
      return createRepos(storage.db).challenges.deleteExpired(clock());
    },
  };
}

export type SignInCore = ReturnType<typeof createSignInCore>;
