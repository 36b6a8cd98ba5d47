import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  changePasswordBodySchema,
  confirmPasswordBodySchema,
  mySessionSchema,
  reauthenticateResponseSchema,
} from '../../../shared/api/session.ts';
import { userViewSchema } from '../../../shared/api/users.ts';
import { readCookie } from '../../http/cookies.ts';
import { requireUser } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import { isoTime } from '../../iso-time.ts';
import { safeReturnPath } from '../../login/return-path.ts';
import type { Services } from '../../services.ts';
import { applyOutcome, signInRequestOf } from '../auth/outcome-reply.ts';
import { userView } from '../views.ts';

/** My account: every route here needs a signed-in user and acts on that user only. */
export function registerAccountRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/me',
    { schema: { tags: ['my account'], summary: 'My profile', response: { 200: userViewSchema } } },
    async (request) => {
      const auth = requireUser(request);
      return userView(await services.accounts.getUser(auth.session.userId));
    },
  );

  app.get(
    '/api/me/sessions',
    {
      schema: {
        tags: ['my account'],
        summary: 'My active sessions',
        response: { 200: z.object({ items: z.array(mySessionSchema) }) },
      },
    },
    async (request) => {
      const auth = requireUser(request);
      const sessions = await services.sessions.listForUser(auth.session.userId);
      return {
        items: sessions.map((session) => ({
          // A short, non-reversible label; the hash itself is a credential lookup key and stays private.
          id: session.idHash.slice(0, 8),
          current: session.idHash === auth.session.idHash,
          createdAt: isoTime(session.createdAt),
          lastSeenAt: isoTime(session.lastSeenAt),
          ip: session.ip,
          userAgent: session.userAgent,
          authLevel: session.authLevel,
        })),
      };
    },
  );

  app.post(
    '/api/me/password',
    {
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['my account'],
        summary: 'Change my password',
        body: changePasswordBodySchema,
        response: { 200: z.object({ otherSessionsEnded: z.number() }) },
      },
    },
    async (request) => {
      const auth = requireUser(request);
      return services.accounts.changeOwnPassword(
        auth.session.userId,
        request.body,
        auth.session.idHash,
        auditContextOf(request),
      );
    },
  );

  app.post(
    '/api/me/sessions/revoke-others',
    {
      schema: {
        tags: ['my account'],
        summary: 'Sign out everywhere else',
        response: { 200: z.object({ sessionsEnded: z.number() }) },
      },
    },
    async (request) => {
      const auth = requireUser(request);
      const sessionsEnded = await services.accounts.revokeSessions(
        auth.session.userId,
        auditContextOf(request),
        auth.session.idHash,
      );
      return { sessionsEnded };
    },
  );

  app.post(
    '/api/me/reauthenticate',
    {
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['my account'],
        summary:
          'Sign in again before a sensitive change: password, then MFA when the user has it (a new session id either way)',
        body: confirmPasswordBodySchema,
        response: { 200: reauthenticateResponseSchema },
      },
    },
    async (request, reply) => {
      const auth = requireUser(request);
      const user = await services.signIn.verifyPassword(
        {
          username: auth.session.user.username,
          password: request.body.password,
          deviceCookie: readCookie(request, 'device'),
        },
        auditContextOf(request),
      );
      // Re-authentication is as strong as sign-in (ASVS 6.3.4): with MFA set up, the second factor too.
      const outcome = await services.signIn.afterPassword(
        user,
        { purpose: 'reauthenticate', returnPath: safeReturnPath(request.body.returnTo) },
        signInRequestOf(request),
      );
      const next = applyOutcome(request, reply, outcome, false);
      return next.status === 'signed_in'
        ? { status: 'reauthenticated' as const, redirectTo: null }
        : { status: 'mfa_required' as const, redirectTo: next.redirectTo };
    },
  );
}
