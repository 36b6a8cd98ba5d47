import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { configureMfaBodySchema, myMfaSchema } from '../../../shared/api/mfa.ts';
import { createRepos } from '../../db/repos/index.ts';
import { AppError } from '../../errors/catalogue.ts';
import { requireFreshSession, requireUser } from '../../http/guards.ts';
import { providerTypeOf } from '../../mfa/registry.ts';
import type { Services } from '../../services.ts';
import { wantsForm } from '../auth/session-routes.ts';
import { redirectToProvider } from '../auth/sign-in-steps.ts';
import { userMfaView } from '../views.ts';

/** My account > Configure MFA: the user picks a provider and proves it works; the provider handles enrolment. */
export function registerMfaSelfRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['my account'];

  app.get(
    '/api/me/mfa',
    { schema: { tags, summary: 'My MFA: what is set up and what I can choose', response: { 200: myMfaSchema } } },
    async (request) => {
      const auth = requireUser(request);
      const repos = createRepos(services.storage.db);
      const [configured, user, policy, appUrl, providers] = await Promise.all([
        repos.userMfa.forUser(auth.session.userId),
        repos.users.findById(auth.session.userId),
        services.mfaPolicy.get(),
        services.applicationUrl.current(),
        repos.providers.all(),
      ]);
      return {
        configured: configured ? userMfaView(configured) : null,
        providers: providers
          .filter((provider) => provider.enabled)
          .map((provider) => ({
            id: provider.id,
            name: provider.name,
            typeLabel: providerTypeOf(provider.type)?.label ?? provider.type,
          })),
        policy: { mode: policy.mode },
        ready: appUrl.url !== null,
        readyProblem: appUrl.url === null ? (appUrl.problem ?? 'The Application URL is not set.') : null,
        skip: user?.mfaSkip ?? false,
      };
    },
  );

  app.post(
    '/api/me/mfa/configure',
    {
      config: { acceptsForm: true, formErrorPage: '/account' },
      schema: {
        tags,
        summary:
          'Set up (or replace) my MFA: a full-page redirect to the provider, which enrols me; needs a recent sign-in',
        body: configureMfaBodySchema,
        response: { 200: z.object({ redirectTo: z.string() }) },
      },
    },
    async (request, reply) => {
      // Changing how I prove who I am needs a fresh sign-in (ASVS 7.5.1).
      const auth = requireFreshSession(request);
      const repos = createRepos(services.storage.db);
      if (!(await services.applicationUrl.current()).url) throw new AppError('APPLICATION_URL_INVALID');
      const provider = await repos.providers.findById(request.body.providerId);
      if (!provider?.enabled)
        throw new AppError('VALIDATION_FAILED', { fields: { providerId: 'Choose one of the enabled providers.' } });
      const existing = await repos.userMfa.forUser(auth.session.userId);
      if (existing && request.body.replace !== true)
        throw new AppError('MFA_ALREADY_CONFIGURED', { details: { current: existing.providerName } });
      const user = await repos.users.findById(auth.session.userId);
      if (!user) throw new AppError('AUTH_REQUIRED');
      const next = await redirectToProvider(services, request, reply, user, {
        providerId: provider.id,
        purpose: 'configure',
        enrolling: true,
        returnPath: '/account',
      });
      if (wantsForm(request)) return reply.redirect(next.redirectTo, 302);
      return { redirectTo: next.redirectTo };
    },
  );
}
