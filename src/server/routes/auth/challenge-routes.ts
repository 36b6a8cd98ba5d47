import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ceremonyAnswerBodySchema,
  challengeViewSchema,
  chooseFactorBodySchema,
  codeAnswerBodySchema,
  loginResponseSchema,
  passkeyAnswerBodySchema,
  passkeyStartBodySchema,
  passkeyStartResponseSchema,
} from '../../../shared/api/session.ts';
import { AppError } from '../../errors/catalogue.ts';
import { cookieName, cookieOptions } from '../../http/cookies.ts';
import { isFormPost } from '../../http/form-post.ts';
import { isoTime } from '../../iso-time.ts';
import { safeReturnPath } from '../../login/return-path.ts';
import type { Services } from '../../services.ts';
import { CHALLENGE_LIFETIME_MS } from '../../sign-in/deps.ts';
import { applyOutcome, navigate, signInRequestOf, verifyPage } from './outcome-reply.ts';

/** A parameter given twice is an attempt to confuse the parser (ASVS 15.3.7): no single value is trusted. */
function singleValued(query: Record<string, unknown>): Record<string, string> | null {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') return null;
    result[key] = value;
  }
  return result;
}

/** A refused form post goes back to its own verify page (the id is checked again there). */
const challengePage = (request: FastifyRequest) => {
  const id = (request.params as { id?: unknown }).id;
  return typeof id === 'string' && /^[A-Za-z0-9_-]{22}$/.test(id) ? verifyPage(id) : '/signin';
};

// Any id is looked up (and refused as expired or unknown); the body's own problems are reported first.
const challengeParams = z.object({ id: z.string().min(1).max(64) });

/**
 * The second step of signing in, as HTTP: the provider's redirect back, the verify page's challenge,
 * a typed code, and "Use another method". Each route hands the browser's request to the sign-in core
 * and turns its outcome into cookies and a redirect (browser) or JSON (scripts).
 */
export function registerChallengeRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['session'];

  // One path per provider (mix-up defence, RFC 9700 §4.4). Every answer is a 303 to a clean URL so
  // the code and state leave the address bar (§4.3); the page loads nothing and sends no referrer (§4.2).
  app.get(
    '/api/auth/mfa/:providerId/callback',
    {
      schema: {
        tags,
        summary: "The provider's redirect back after the second factor (browser only)",
        params: z.object({ providerId: z.coerce.number().int().positive() }),
        querystring: z.record(z.string(), z.union([z.string().max(4096), z.array(z.string())])),
      },
    },
    async (request, reply) => {
      const outcome = await services.signIn.answerCallback(
        { providerId: request.params.providerId, query: singleValued(request.query) },
        signInRequestOf(request),
      );
      return navigate(reply, applyOutcome(request, reply, outcome, true));
    },
  );

  app.get(
    '/api/auth/challenges/:id',
    {
      schema: {
        tags,
        summary: 'The open second-factor step of this browser: what to show on the verify page',
        params: challengeParams,
        response: { 200: challengeViewSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const view = await services.signIn.describe(request.params.id, signInRequestOf(request));
      if (!view) throw new AppError('MFA_EXPIRED');
      return { ...view, expiresAt: isoTime(view.expiresAt) };
    },
  );

  app.post(
    '/api/auth/challenges/:id/code',
    {
      bodyLimit: 4 * 1024,
      config: { acceptsForm: true, formErrorPage: challengePage },
      schema: {
        tags,
        summary: 'Answer a code challenge: an authenticator app code, a recovery code, or the first code of a new app',
        params: challengeParams,
        body: codeAnswerBodySchema,
        response: { 200: loginResponseSchema },
      },
    },
    async (request, reply) => {
      const outcome = await services.signIn.answerCode(
        {
          challengeId: request.params.id,
          code: request.body.code,
          ...(request.body.label !== undefined && { label: request.body.label }),
        },
        signInRequestOf(request),
      );
      const form = isFormPost(request);
      const next = applyOutcome(request, reply, outcome, form);
      return form ? navigate(reply, next) : next;
    },
  );

  app.post(
    '/api/auth/challenges/:id/choose',
    {
      config: { acceptsForm: true, formErrorPage: challengePage },
      schema: {
        tags,
        summary: 'Use another method (or continue with a reserved one): replaces the open challenge',
        params: challengeParams,
        body: chooseFactorBodySchema,
        response: { 200: loginResponseSchema },
      },
    },
    async (request, reply) => {
      const outcome = await services.signIn.choose(
        { challengeId: request.params.id, factorId: request.body.factorId },
        signInRequestOf(request),
      );
      const form = isFormPost(request);
      const next = applyOutcome(request, reply, outcome, form);
      // Back on the same page when the choice could not be made (for instance a removed factor).
      if (outcome.kind === 'failed' && outcome.retryChallengeId && form) {
        return reply.redirect(`${verifyPage(outcome.retryChallengeId)}&error=${outcome.code}`, 303);
      }
      return form ? navigate(reply, next) : next;
    },
  );

  // A security key's answer on the verify page (JSON from the page's script: WebAuthn needs one).
  app.post(
    '/api/auth/challenges/:id/ceremony',
    {
      schema: {
        tags,
        summary: 'Answer a security-key ceremony: register a new key, or prove one (the browser’s WebAuthn response)',
        params: challengeParams,
        body: ceremonyAnswerBodySchema,
        response: { 200: loginResponseSchema },
      },
    },
    async (request, reply) => {
      const outcome = await services.signIn.answerCeremony(
        {
          challengeId: request.params.id,
          response: request.body.response,
          ...(request.body.label !== undefined && { label: request.body.label }),
        },
        signInRequestOf(request),
      );
      return applyOutcome(request, reply, outcome, false);
    },
  );

  app.post(
    '/api/auth/passkey',
    {
      schema: {
        tags,
        summary: 'Start a passwordless sign-in with a passkey (where the MFA policy allows it)',
        body: passkeyStartBodySchema,
        response: { 200: passkeyStartResponseSchema },
      },
    },
    async (request, reply) => {
      const started = await services.signIn.passkey.start(
        { returnPath: safeReturnPath(request.body.returnTo) },
        signInRequestOf(request),
      );
      if (!started.ok) throw new AppError('PASSKEYS_UNAVAILABLE');
      reply.header('cache-control', 'no-store');
      reply.setCookie(
        cookieName(request, 'login'),
        started.browserBinding,
        cookieOptions(request, CHALLENGE_LIFETIME_MS / 1000),
      );
      return { challengeId: started.id, options: started.options };
    },
  );

  app.post(
    '/api/auth/passkey/:id',
    {
      schema: {
        tags,
        summary: 'Finish a passwordless sign-in: the passkey’s answer (with user verification, it counts as MFA)',
        params: challengeParams,
        body: passkeyAnswerBodySchema,
        response: { 200: loginResponseSchema },
      },
    },
    async (request, reply) => {
      const outcome = await services.signIn.passkey.answer(
        { challengeId: request.params.id, response: request.body.response },
        signInRequestOf(request),
      );
      return applyOutcome(request, reply, outcome, false);
    },
  );
}
