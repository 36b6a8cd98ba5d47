import { createRepos } from '../db/repos/index.ts';
import { auditMfaUnavailable, unavailableReason } from './audit.ts';
import type { Candidate, ChallengeContext, ChallengeStarter, Started } from './begin.ts';
import { mayFailOpen } from './decision.ts';
import type { SignInDeps } from './deps.ts';
import { failure, type SignInOutcome } from './outcome.ts';
import { openSession } from './session-opening.ts';

/**
 * Offers the first candidate that can start now, the others as "Use another method". A provider that
 * is down (Duo unreachable, fail closed) is skipped for the user's next factor, with a notice. Only
 * when none can start: fail open where the provider chose it (never for administrators, never with
 * another factor at hand), else "MFA unavailable".
 */
export async function presentCandidates(
  deps: SignInDeps,
  starter: ChallengeStarter,
  candidates: Candidate[],
  context: ChallengeContext,
  options: {
    startFirst: boolean;
    replaces: { idHash: string; userId: number; createdAt: number; expiresAt: number } | null;
  },
): Promise<SignInOutcome> {
  const failed: Array<{ candidate: Candidate; started: Extract<Started, { ok: false }> }> = [];
  for (const [index, candidate] of candidates.entries()) {
    const others = candidates.filter((other) => other !== candidate && !failed.some((f) => f.candidate === other));
    // With other methods to offer, a redirect is only reserved: the page shows "Continue" beside them.
    const pending = !(options.startFirst && index === 0) && others.length > 0 && context.purpose !== 'configure';
    const started = await starter.start(candidate, context, {
      pending,
      unavailable: failed[0]?.candidate.choice.method ?? null,
    });
    if (started.ok) {
      if (failed.length > 0) await recordFallback(deps, context, failed[0]?.started.reason ?? '', candidate);
      return {
        kind: 'challenge',
        purpose: context.purpose,
        returnPath: context.returnPath,
        browserBinding: context.browserBinding,
        challenge: {
          id: started.id,
          kind: started.kind,
          factor: candidate.choice,
          url: started.url,
          alternatives: others.map((other) => other.choice),
          unavailable: failed[0]?.candidate.choice.method ?? null,
        },
      };
    }
    if ('throttled' in started) {
      return failure('MFA_THROTTLED', context.purpose, { retryAfterSeconds: 600 });
    }
    failed.push({ candidate, started });
  }

  const first = failed[0];
  // The provider's pre-check refused the user (locked out, disabled, unknown there): say why; it is audited already.
  if (first && 'refusal' in first.started && first.started.refusal)
    return failure(first.started.refusal, context.purpose);
  const now = deps.clock();
  if (
    first?.started.failsOpen &&
    first.started.check &&
    first.started.provider &&
    context.purpose === 'sign_in' &&
    // Every candidate failed, so no other factor is at hand.
    mayFailOpen({ failMode: 'open', outage: true, role: context.user.role, alternatives: 0 })
  ) {
    // Fail-open, chosen for this provider: a single-factor session, marked and audited as such.
    const created = await deps.storage.db.transaction().execute((trx) =>
      openSession(
        createRepos(trx),
        deps.sessions,
        {
          user: context.user,
          authLevel: 'single_factor_bypass',
          amr: ['pwd'],
          purpose: 'sign_in',
          authTime: now,
          factor: null,
          bypass: {
            provider: first.started.provider?.name ?? '',
            check: first.started.check?.status ?? 'error',
            cause: first.started.check?.cause ?? null,
          },
          replaces: options.replaces,
        },
        context.audit,
        now,
      ),
    );
    return {
      kind: 'signed_in',
      user: { id: context.user.id, username: context.user.username },
      authLevel: 'single_factor_bypass',
      amr: ['pwd'],
      authTime: now,
      purpose: 'sign_in',
      returnPath: context.returnPath,
      sessionToken: created.token,
      factorId: null,
      recoveryCodesLeft: null,
      deviceCookie: deps.devices.issue(context.user.username),
    };
  }
  return refuseUnavailable(deps, context, first?.started.reason ?? 'no_default_provider', first?.started ?? null);
}

/** MFA cannot happen: fail closed, audited with the user (and the provider that failed), never a session. */
export async function refuseUnavailable(
  deps: SignInDeps,
  context: ChallengeContext,
  reason: string,
  failed: Pick<Extract<Started, { ok: false }>, 'provider' | 'check'> | null,
): Promise<SignInOutcome> {
  await auditMfaUnavailable(createRepos(deps.storage.db), context.audit, deps.clock(), {
    reason,
    user: context.user,
    provider: failed?.provider ?? null,
    check: failed?.check ?? null,
  });
  return { kind: 'unavailable', reason: unavailableReason(reason), purpose: context.purpose };
}

/** A method was down and the user was offered another: the audit log says so (the provider's last check too). */
async function recordFallback(deps: SignInDeps, context: ChallengeContext, reason: string, to: Candidate) {
  await createRepos(deps.storage.db).audit.record(
    {
      type: 'login.mfa_fallback',
      outcome: 'success',
      reason,
      target: { type: 'user', id: context.user.id, label: context.user.username },
      details: { to: to.choice.method, purpose: context.purpose },
    },
    context.audit,
    deps.clock(),
  );
}
