import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoginPurpose } from '../../db/repos/login-transactions-repo.ts';
import type { UserWithHash } from '../../db/repos/users-repo.ts';
import { cookieName, cookieOptions, readCookie } from '../../http/cookies.ts';
import { auditContextOf } from '../../http/request-context.ts';
import { TRANSACTION_LIFETIME_MS } from '../../mfa/mfa-flow.ts';
import type { Services } from '../../services.ts';
import type { SessionExtras } from '../../sessions/sign-in-service.ts';

/** Issues a brand-new session cookie and ends the one the browser had (ASVS 7.2.4: new id on sign-in). */
export async function startSession(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserWithHash,
  authLevel: 'password' | 'mfa' | 'single_factor_bypass',
  extras: SessionExtras = {},
): Promise<void> {
  if (request.auth) await services.sessions.end(request.auth.token);
  const { token } = await services.signIn.openSession(user, authLevel, auditContextOf(request), extras);
  reply.setCookie(cookieName(request, 'session'), token, cookieOptions(request));
  reply.clearCookie(cookieName(request, 'pre'), cookieOptions(request));
}

export type NextStep = { status: 'signed_in' | 'mfa_required'; redirectTo: string };

/**
 * Sends the browser to the provider for `providerId`: a transaction bound to this browser by the
 * login cookie (SameSite=Lax, so Duo's cross-site redirect back still carries it).
 */
export async function redirectToProvider(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserWithHash,
  step: { providerId: number; purpose: LoginPurpose; enrolling: boolean; returnPath: string },
): Promise<NextStep> {
  const started = await services.mfaFlow.start(
    {
      user,
      providerId: step.providerId,
      purpose: step.purpose,
      enrolling: step.enrolling,
      returnPath: step.returnPath,
      sessionIdHash: step.purpose === 'sign_in' ? null : (request.auth?.session.idHash ?? null),
      browserBinding: readCookie(request, 'login'),
    },
    auditContextOf(request),
  );
  if (started.kind === 'bypass') {
    // Fail-open, chosen for this provider: a single-factor session, marked and audited as such.
    await startSession(services, request, reply, user, 'single_factor_bypass', {
      purpose: step.purpose,
      bypass: { provider: started.provider.name, check: started.check.status, cause: started.check.cause },
    });
    return { status: 'signed_in', redirectTo: step.returnPath };
  }
  reply.setCookie(
    cookieName(request, 'login'),
    started.browserBinding,
    cookieOptions(request, TRANSACTION_LIFETIME_MS / 1000),
  );
  return { status: 'mfa_required', redirectTo: started.url };
}

/** After a correct password: a session now, or first the second factor the policy asks for. */
export async function continueAfterPassword(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserWithHash,
  step: { purpose: 'sign_in' | 'reauthenticate'; returnPath: string },
): Promise<NextStep> {
  const decision = await services.mfaPolicy.decide(user);
  if (decision.kind === 'none') {
    await startSession(services, request, reply, user, 'password', { purpose: step.purpose });
    return { status: 'signed_in', redirectTo: step.returnPath };
  }
  if (decision.kind === 'unavailable') {
    return services.mfaFlow.refuse(user, decision.reason, auditContextOf(request));
  }
  return redirectToProvider(services, request, reply, user, {
    providerId: decision.providerId,
    purpose: step.purpose,
    enrolling: decision.enrolling,
    returnPath: step.returnPath,
  });
}
