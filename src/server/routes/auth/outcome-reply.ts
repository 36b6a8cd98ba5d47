import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/catalogue.ts';
import { cookieName, cookieOptions, readCookie } from '../../http/cookies.ts';
import { auditContextOf } from '../../http/request-context.ts';
import { safeReturnPath } from '../../login/return-path.ts';
import { CHALLENGE_LIFETIME_MS, type SignInRequest } from '../../sign-in/deps.ts';
import type { SignInOutcome } from '../../sign-in/outcome.ts';

/** The browser the console's routes speak for, as the sign-in core needs to know it. */
export function signInRequestOf(request: FastifyRequest): SignInRequest {
  const session = request.auth?.session;
  return {
    audit: auditContextOf(request),
    browserBinding: readCookie(request, 'login'),
    deviceCookie: readCookie(request, 'device'),
    session: session
      ? { idHash: session.idHash, userId: session.userId, createdAt: session.createdAt, expiresAt: session.expiresAt }
      : null,
    preferredFactorId: readCookie(request, 'factor') ?? null,
  };
}

/** The page a code is typed on (and "Use another method" chosen), for an open challenge. */
export const verifyPage = (challengeId: string) => `/signin/verify?challenge=${encodeURIComponent(challengeId)}`;

export type NextStep = { status: 'signed_in' | 'mfa_required'; redirectTo: string };

/** Where a finished sign-in goes: back where the user was headed, or My account after Configure MFA. */
function destinationOf(outcome: Extract<SignInOutcome, { kind: 'signed_in' }>): string {
  return outcome.purpose === 'configure' ? '/account?mfa=configured' : safeReturnPath(outcome.returnPath);
}

/**
 * Applies an outcome's cookies and says where the browser goes next. Errors (MFA unavailable, a
 * refused answer) are thrown for the error boundary, except a wrong code, which stays on its page.
 * `navigation` is true for browser form posts and callbacks: failures then go back to a page.
 */
export function applyOutcome(
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: SignInOutcome,
  navigation: boolean,
): NextStep {
  switch (outcome.kind) {
    case 'signed_in': {
      // A brand-new session id (ASVS 7.2.4); the one the browser had was ended by the core.
      reply.setCookie(cookieName(request, 'session'), outcome.sessionToken, cookieOptions(request));
      reply.clearCookie(cookieName(request, 'pre'), cookieOptions(request));
      // This browser signed in as this user: a flood from its address will not lock it out (issue 12).
      reply.setCookie(cookieName(request, 'device'), outcome.deviceCookie, cookieOptions(request, 180 * 86_400));
      if (outcome.factorId) {
        // Not a credential: which of the user's methods to offer first in this browser next time.
        reply.setCookie(cookieName(request, 'factor'), outcome.factorId, cookieOptions(request, 365 * 86_400));
      }
      return { status: 'signed_in', redirectTo: destinationOf(outcome) };
    }
    case 'challenge': {
      // SameSite=Lax, so a provider's cross-site redirect back still carries it.
      reply.setCookie(
        cookieName(request, 'login'),
        outcome.browserBinding,
        cookieOptions(request, CHALLENGE_LIFETIME_MS / 1000),
      );
      const { challenge } = outcome;
      return {
        status: 'mfa_required',
        redirectTo: challenge.kind === 'redirect' && challenge.url ? challenge.url : verifyPage(challenge.id),
      };
    }
    case 'unavailable':
      throw new AppError('MFA_UNAVAILABLE', { details: { reason: outcome.reason } });
    case 'failed': {
      const options = {
        ...(outcome.message && { message: outcome.message }),
        ...(outcome.retryAfterSeconds && { retryAfterSeconds: outcome.retryAfterSeconds }),
        ...(outcome.retryChallengeId && {
          details: { challengeId: outcome.retryChallengeId, attemptsLeft: outcome.attemptsLeft },
        }),
      };
      if (!navigation) throw new AppError(outcome.code, options);
      const query = new URLSearchParams({ error: outcome.code });
      if (outcome.retryAfterSeconds) query.set('retryAfter', String(outcome.retryAfterSeconds));
      if (outcome.retryChallengeId) {
        if (outcome.attemptsLeft !== null) query.set('attemptsLeft', String(outcome.attemptsLeft));
        return { status: 'mfa_required', redirectTo: `${verifyPage(outcome.retryChallengeId)}&${query}` };
      }
      const page =
        outcome.purpose === 'configure' || outcome.purpose === 'reauthenticate'
          ? '/account'
          : outcome.purpose === 'step_up'
            ? '/access/verify' // still signed in: the step-up page says what failed and offers to try again
            : '/signin';
      return { status: 'mfa_required', redirectTo: `${page}?${query}` };
    }
  }
}

/** Sends the browser on: a provider's prompt is a 302 from the form post; pages are 303 (POST → GET). */
export function navigate(reply: FastifyReply, next: NextStep): FastifyReply {
  const external = /^https?:\/\//.test(next.redirectTo);
  return reply.redirect(next.redirectTo, external ? 302 : 303);
}
