import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { stepUpViewSchema } from '../../../shared/api/applications.ts';
import { requirementText } from '../../applications/explain.ts';
import { AppError } from '../../errors/catalogue.ts';
import { continuePath, stepUpPath } from '../../forward-auth/forward-auth-service.ts';
import { cookieName, isSecureRequest, proxyCookie, readCookie } from '../../http/cookies.ts';
import { requireUser } from '../../http/guards.ts';
import { isoTime } from '../../iso-time.ts';
import type { Services } from '../../services.ts';
import { applyOutcome, navigate, signInRequestOf } from '../auth/outcome-reply.ts';
import { deniedPageCsp, sendDenied } from './forward-auth-routes.ts';

const rdQuerySchema = z.object({ rd: z.string().max(2048).optional() });

const stepUpBodySchema = z.object({ rd: z.string().max(2048), _csrf: z.string().max(256).optional() }).strict();

/**
 * The portal's side of a forward-auth round trip. `/access/continue?rd=` is where a refused request
 * lands: with a console session that the rules accept, the forward-auth cookie is set and the browser
 * goes back to `rd`; otherwise on to sign-in, the MFA step (`/access/verify`, a console page) or the
 * 403 page. `rd` must be a registered application's address (never an open redirect).
 */
export function registerAccessRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['forward-auth'];

  app.get(
    '/access/continue',
    {
      schema: { tags, summary: 'Back to a protected application after sign-in or step-up', querystring: rdQuerySchema },
      onSend: deniedPageCsp,
    },
    async (request, reply) => {
      // Not under /api/: the session hook leaves pages alone, so the session is read here.
      const resolved = await services.sessions.resolve(readCookie(request, 'session'));
      const result = await services.forwardAuth.continueTo({
        rd: request.query.rd,
        idHash: resolved.status === 'active' ? resolved.session.idHash : null,
        ip: request.ip,
      });
      switch (result.kind) {
        case 'go': {
          const cookie = proxyCookie(isSecureRequest(request), services.config.cookieDomain);
          reply.setCookie(cookie.name, result.proxyToken, cookie.options);
          return reply.redirect(result.url, 303);
        }
        case 'sign_in':
          if (resolved.status === 'expired') reply.clearCookie(cookieName(request, 'session'), { path: '/' });
          return reply.redirect(`/signin?returnTo=${encodeURIComponent(continuePath(result.rd))}`, 303);
        case 'step_up':
          return reply.redirect(stepUpPath(result.rd), 303);
        case 'deny':
          return sendDenied(reply, result.denial, (await services.forwardAuth.snapshot()).portalUrl);
        case 'not_an_application':
          return reply.redirect('/', 303);
      }
    },
  );

  async function need(request: FastifyRequest, rd: unknown) {
    const auth = requireUser(request);
    const found = await services.forwardAuth.stepUpNeed({ rd, idHash: auth.session.idHash, ip: request.ip });
    if (!found) throw new AppError('NOT_FOUND', { message: 'This link does not lead to a registered application.' });
    return found;
  }

  app.get(
    '/api/authz/step-up',
    {
      schema: {
        tags,
        summary: 'What an application asks of this session (the step-up page)',
        querystring: rdQuerySchema,
        response: { 200: stepUpViewSchema },
      },
    },
    async (request) => {
      const { app: target, decision, rd, session } = await need(request, request.query.rd);
      const rule = decision.kind === 'step_up' ? decision : null;
      return {
        application: { name: target.name, colour: target.colour },
        decision: decision.kind,
        reason: rule?.reason ?? null,
        requirement: rule
          ? requirementText({
              requirement: rule.factorTypes ? 'factor' : 'mfa',
              factorTypes: (rule.factorTypes ?? []) as Array<'duo' | 'totp'>,
              mfaMaxAgeMinutes: rule.maxAgeMinutes,
            })
          : '',
        lastMfaAt: session.mfaAt === null ? null : isoTime(session.mfaAt),
        username: session.user.username,
        rd,
      };
    },
  );

  app.post(
    '/api/authz/step-up',
    {
      config: {
        acceptsForm: true,
        formErrorPage: (request) => stepUpPath(String((request.body as { rd?: unknown } | undefined)?.rd ?? '')),
      },
      schema: { tags, summary: 'Start the MFA step an application asks for (browser form)', body: stepUpBodySchema },
    },
    async (request, reply) => {
      const { decision, rd } = await need(request, request.body.rd);
      // Nothing to step up for (allowed meanwhile, or refused whatever the MFA): the continue page decides.
      if (decision.kind !== 'step_up') return reply.redirect(continuePath(rd), 303);
      const outcome = await services.signIn.stepUp(
        {
          returnPath: continuePath(rd),
          requirement: { factorTypes: decision.factorTypes as Array<'duo' | 'totp'> | null },
        },
        signInRequestOf(request),
      );
      return navigate(reply, applyOutcome(request, reply, outcome, true));
    },
  );
}
