import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loginBodySchema, loginResponseSchema, sessionInfoSchema } from '../../../shared/api/session.ts';
import { cookieName, cookieOptions, readCookie } from '../../http/cookies.ts';
import { isFormPost } from '../../http/form-post.ts';
import { auditContextOf } from '../../http/request-context.ts';
import { isoTime } from '../../iso-time.ts';
import { safeReturnPath } from '../../login/return-path.ts';
import type { Services } from '../../services.ts';
import { userView } from '../views.ts';
import { applyOutcome, navigate, signInRequestOf } from './outcome-reply.ts';

export function registerSessionRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  let setupDone = false;
  const sessionLimits = {
    idleMinutes: services.config.session.idleMinutes,
    absoluteHours: services.config.session.absoluteHours,
  };

  app.get(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Who is signed in, and the CSRF token to send with changes',
        response: { 200: sessionInfoSchema },
      },
    },
    async (request, reply) => {
      const csrfToken = services.csrf.issue(request, reply);
      setupDone ||= await services.accounts.hasUsers();
      const auth = request.auth;
      if (!auth) {
        return {
          authenticated: false,
          csrfToken,
          setupRequired: !setupDone,
          user: null,
          session: null,
          sessionEnded: request.sessionEnded,
          sessionLimits,
          passkeys: await services.signIn.passkey.offered(),
        };
      }
      const { session } = auth;
      const user = await services.accounts.getUser(session.userId);
      const recoveryCodesLeft = await services.factors.recoveryCodesLeftAfter(session.factorId);
      return {
        authenticated: true,
        csrfToken,
        setupRequired: false,
        user: userView(user, (await services.accounts.mfaOf([user.id])).get(user.id) ?? null),
        session: {
          authLevel: session.authLevel,
          createdAt: isoTime(session.createdAt),
          expiresAt: isoTime(session.expiresAt),
          idleExpiresAt: isoTime(session.lastSeenAt + services.sessions.limits.idleMs),
          fresh: auth.fresh,
          authenticatedAt: isoTime(session.authenticatedAt),
          amr: session.amr,
          recoveryCodesLeft,
          phishingResistant: session.phishingResistant,
        },
        sessionEnded: null,
        sessionLimits,
        passkeys: false,
      };
    },
  );

  app.post(
    '/api/auth/login',
    {
      bodyLimit: 16 * 1024,
      config: { acceptsForm: true, formErrorPage: '/signin' },
      schema: {
        tags: ['session'],
        summary: 'Sign in with username and password',
        body: loginBodySchema,
        response: { 200: loginResponseSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const user = await services.signIn.verifyPassword(
        { username: body.username, password: body.password, deviceCookie: readCookie(request, 'device') },
        auditContextOf(request),
      );
      const outcome = await services.signIn.afterPassword(
        user,
        { purpose: 'sign_in', returnPath: safeReturnPath(body.returnTo) },
        signInRequestOf(request),
      );
      const form = isFormPost(request);
      const next = applyOutcome(request, reply, outcome, form);
      // The step to a provider is a full-page 302 from this form post, never something a script fetches (CORS).
      return form ? navigate(reply, next) : next;
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { acceptsForm: true, formErrorPage: '/signin' },
      schema: {
        tags: ['session'],
        summary: 'Sign out: the session ends on the server',
        body: z.object({ _csrf: z.string().optional() }).strict().nullish(),
      },
    },
    async (request, reply) => {
      if (request.auth) await services.signIn.signOut(request.auth.token, auditContextOf(request));
      reply.clearCookie(cookieName(request, 'session'), cookieOptions(request));
      if (isFormPost(request)) return reply.redirect('/signin?signedOut=1', 303);
      return reply.status(204).send();
    },
  );
}
