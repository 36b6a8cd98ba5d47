import { randomToken } from '../crypto/tokens.ts';
import type { ChallengeRecord } from '../db/repos/challenges-repo.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import type { FactorTypeId } from '../mfa/provider-type.ts';
import { factorSecretAad } from './challenge-state.ts';
import type { SignInDeps, SignInRequest } from './deps.ts';
import type { SignInOutcome } from './outcome.ts';
import { openSession } from './session-opening.ts';

/** A factor the challenge enrolled: written in the same transaction as the session it opens. */
export interface Enrolment {
  label: string;
  /** The new factor's secret in clear (sealed here, bound to the new row), or null (Duo keeps none here). */
  secret: string | null;
  /** Configure MFA with "replace": the user's other provider factors go. */
  replace: boolean;
  /** Duo re-enrolment: a user who already holds this provider keeps that one factor (Duo holds the devices). */
  reuseSameProvider: boolean;
  /** A security key: its credential id and public data (public key, transports, AAGUID, flags). */
  credential?: { id: string; publicData: Record<string, unknown>; counter: number };
}

/** What the answer proved, and what must change with the session. */
export interface Proven {
  type: FactorTypeId;
  provider: ProviderRecord | null;
  /** RFC 8176 values beyond `pwd` and `mfa`. */
  amr: string[];
  method: string | null;
  txid: string | null;
  enrolment: Enrolment | null;
  /** TOTP: the time step that must move the factor's counter forward (refused if it does not). */
  counter: number | null;
  /** Recovery codes: the hash of the code, spent in the same transaction. */
  recoveryCodeHash?: string;
  /** A security key: which of the user's keys answered, and its signature counter (must grow). */
  signature?: { factorId: string; counter: number };
  /** Bound to the portal's origin by the browser (WebAuthn). */
  phishingResistant?: boolean;
}

/** The transaction lost a race or a check inside it: nothing was written. */
export class NotFinished extends Error {
  constructor(readonly reason: 'state_unknown_or_used' | 'code_reused' | 'wrong_code' | 'signature_counter_replayed') {
    super(reason);
  }
}

async function persistEnrolment(
  deps: SignInDeps,
  repos: Repos,
  user: UserWithHash,
  proven: Proven,
  enrolment: Enrolment,
  now: number,
): Promise<{ factorId: string; replaced: string | null }> {
  const held = await repos.userFactors.forUser(user.id);
  const replacedFactors = enrolment.replace
    ? held.filter((factor) => factor.providerId !== null && factor.providerId !== proven.provider?.id)
    : [];
  for (const factor of replacedFactors) await repos.userFactors.remove(factor.id);
  const replaced = replacedFactors.length
    ? [...new Set(replacedFactors.map((factor) => factor.provider?.name ?? factor.label))].join(', ')
    : null;
  const same = enrolment.reuseSameProvider
    ? held.find((factor) => factor.providerId === proven.provider?.id)
    : undefined;
  if (same) {
    await repos.userFactors.touch(same.id, now);
    return { factorId: same.id, replaced };
  }
  const remaining = held.filter((factor) => !replacedFactors.includes(factor) && factor.type !== 'recovery_codes');
  const id = randomToken(12);
  await repos.userFactors.insert({
    id,
    userId: user.id,
    type: proven.type,
    providerId: proven.provider?.id ?? null,
    label: enrolment.label,
    sealedSecret: enrolment.secret === null ? null : deps.secretBox.seal(enrolment.secret, factorSecretAad(id)),
    counter: enrolment.credential?.counter ?? proven.counter,
    credentialId: enrolment.credential?.id ?? null,
    publicData: enrolment.credential?.publicData ?? null,
    // The first factor a user holds is the one offered first at sign-in.
    isDefault: remaining.length === 0,
    createdAt: now,
  });
  await repos.userFactors.touch(id, now);
  return { factorId: id, replaced };
}

/**
 * Ends a challenge that was answered correctly: in one transaction, optionally take the challenge
 * (a code answer takes it here, so two racing answers cannot both win), move the factor's counter or
 * spend the recovery code, record an enrolment, and open the session with its audit records.
 */
export async function finishChallenge(
  deps: SignInDeps,
  challenge: ChallengeRecord,
  user: UserWithHash,
  request: SignInRequest,
  proven: Proven,
  options: { take?: { browserBinding: string; maxAttempts: number } } = {},
): Promise<SignInOutcome> {
  const now = deps.clock();
  const amr = ['pwd', 'mfa', ...proven.amr.filter((value) => value !== 'pwd' && value !== 'mfa')];
  // A step-up proves a factor, not the password: the session keeps its auth time (and so its freshness
  // for sensitive changes); only its MFA time moves. Every other answer is a new proof of both.
  const authTime = challenge.purpose === 'step_up' ? (challenge.passwordAt ?? now) : now;
  const result = await deps.storage.db.transaction().execute(async (trx) => {
    const repos = createRepos(trx);
    if (options.take) {
      const taken = await repos.challenges.take({ id: challenge.id, now, ...options.take });
      if (!taken) throw new NotFinished('state_unknown_or_used');
    }
    let factorId = challenge.factorId;
    let replaced: string | null = null;
    if (proven.counter !== null && factorId !== null && !proven.enrolment) {
      if (!(await repos.userFactors.advanceCounter(factorId, proven.counter, now)))
        throw new NotFinished('code_reused');
    }
    if (proven.signature) {
      factorId = proven.signature.factorId;
      if (!(await repos.userFactors.advanceSignatureCounter(factorId, proven.signature.counter, now)))
        throw new NotFinished('signature_counter_replayed');
    }
    let recoveryCodesLeft: number | null = null;
    if (proven.recoveryCodeHash && factorId !== null) {
      if (!(await repos.userFactors.spendRecoveryCode(factorId, proven.recoveryCodeHash, now)))
        throw new NotFinished('wrong_code');
      recoveryCodesLeft = (await repos.userFactors.remainingRecoveryCodes([factorId])).get(factorId) ?? 0;
    }
    if (proven.enrolment)
      ({ factorId, replaced } = await persistEnrolment(deps, repos, user, proven, proven.enrolment, now));
    const replaces = request.session;
    const created = await openSession(
      repos,
      deps.sessions,
      {
        user,
        authLevel: 'mfa',
        amr,
        purpose: challenge.purpose,
        authTime,
        factor: {
          factorId,
          type: proven.type,
          providerId: proven.provider?.id ?? null,
          providerName: proven.provider?.name ?? null,
          method: proven.method,
          txid: proven.txid,
          enrolled: proven.enrolment ? { label: proven.enrolment.label, replaced } : null,
          recoveryCodesLeft,
        },
        bypass: null,
        replaces,
        phishingResistant: proven.phishingResistant === true,
      },
      request.audit,
      now,
    );
    return { token: created.token, factorId, recoveryCodesLeft };
  });
  return {
    kind: 'signed_in',
    user: { id: user.id, username: user.username },
    authLevel: 'mfa',
    amr,
    authTime,
    purpose: challenge.purpose,
    returnPath: challenge.returnPath,
    sessionToken: result.token,
    factorId: result.factorId,
    recoveryCodesLeft: result.recoveryCodesLeft,
    deviceCookie: deps.devices.issue(user.username),
  };
}
