import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  configureMfaBodySchema,
  factorLabelBodySchema,
  myMfaSchema,
  recoveryCodesSchema,
} from '../../../shared/api/mfa.ts';
import { loginResponseSchema } from '../../../shared/api/session.ts';
import { createRepos } from '../../db/repos/index.ts';
import { AppError } from '../../errors/catalogue.ts';
import { isFormPost } from '../../http/form-post.ts';
import { requireFreshSession, requireUser } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import { isoTime, isoTimeOrNull } from '../../iso-time.ts';
import { enrolmentOptions, mayEnrolWith } from '../../mfa/factors/enrolment-options.ts';
import type { FactorView } from '../../mfa/factors/factor-service.ts';
import { providerTypeOf } from '../../mfa/registry.ts';
import type { Services } from '../../services.ts';
import { applyOutcome, navigate, signInRequestOf } from '../auth/outcome-reply.ts';
import { userMfaView } from '../views.ts';

const factorParams = z.object({ factorId: z.string().min(1).max(64) });

export function factorViewOf(factor: FactorView) {
  return {
    ...factor,
    createdAt: isoTime(factor.createdAt),
    lastUsedAt: isoTimeOrNull(factor.lastUsedAt),
    key: factor.key ? { ...factor.key, cloneSuspectedAt: isoTimeOrNull(factor.key.cloneSuspectedAt) } : null,
  };
}

/**
 * My account › Multi-factor authentication: the user's factors (list, name, default, remove), adding
 * one ("Configure MFA": Duo enrols on its own pages, an authenticator app is scanned and confirmed),
 * and recovery codes. Every change needs a fresh sign-in (ASVS 7.5.1) and is audited.
 */
export function registerMfaSelfRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['my account'];

  app.get(
    '/api/me/mfa',
    { schema: { tags, summary: 'My MFA: my factors and what I can add', response: { 200: myMfaSchema } } },
    async (request) => {
      const auth = requireUser(request);
      const repos = createRepos(services.storage.db);
      const [summary, user, policy, appUrl, factors, providers] = await Promise.all([
        services.accounts.mfaOf([auth.session.userId]),
        repos.users.findById(auth.session.userId),
        services.mfaPolicy.get(),
        services.applicationUrl.current(),
        services.factors.list(auth.session.userId),
        repos.providers.all(),
      ]);
      const configured = summary.get(auth.session.userId);
      const recovery = factors.find((factor) => factor.type === 'recovery_codes');
      return {
        configured: configured ? userMfaView(configured) : null,
        factors: factors.filter((factor) => factor.type !== 'recovery_codes').map(factorViewOf),
        recoveryCodes: recovery
          ? { remaining: recovery.remaining ?? 0, createdAt: isoTime(recovery.createdAt), id: recovery.id }
          : null,
        providers: enrolmentOptions(providers, policy).map((provider) => {
          const type = providerTypeOf(provider.type);
          return {
            id: provider.id,
            name: provider.name,
            typeLabel: type?.label ?? provider.type,
            type: provider.type,
            method: type?.wording.method ?? provider.type,
            enrol: type?.wording.enrol ?? '',
            busy: type?.wording.busy ?? 'Opening…',
            redirect: type?.challenge === 'redirect',
          };
        }),
        policy: {
          mode: policy.mode,
          allowedTypes: policy.allowedTypes,
          recoveryCodes: policy.recoveryCodes,
          defaultProviderId: policy.defaultProviderId,
        },
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
          'Add a method (or, with replace, replace my methods): Duo is a full-page redirect to its prompt; an authenticator app continues on the verify page. Needs a recent sign-in',
        body: configureMfaBodySchema,
        response: { 200: loginResponseSchema },
      },
    },
    async (request, reply) => {
      // Changing how I prove who I am needs a fresh sign-in (ASVS 7.5.1).
      const auth = requireFreshSession(request);
      const repos = createRepos(services.storage.db);
      const [provider, policy, held] = await Promise.all([
        repos.providers.findById(request.body.providerId),
        services.mfaPolicy.get(),
        repos.userFactors.forUser(auth.session.userId),
      ]);
      // A provider that is down right now is refused by its live check (503), not as a wrong choice.
      if (!provider || !mayEnrolWith(provider, policy))
        throw new AppError('VALIDATION_FAILED', {
          fields: { providerId: 'Choose one of the providers offered here (enabled, and allowed by the MFA policy).' },
        });
      if (providerTypeOf(provider.type)?.challenge === 'redirect' && !(await services.applicationUrl.current()).url)
        throw new AppError('APPLICATION_URL_INVALID');
      const main = held.filter((factor) => factor.type !== 'recovery_codes');
      // The original one-MFA API: replacing what is set up must be confirmed. Adding beside it is "add".
      if (main.length > 0 && request.body.replace !== true && request.body.add !== true)
        throw new AppError('MFA_ALREADY_CONFIGURED', { details: { current: main[0]?.label ?? '' } });
      const user = await repos.users.findById(auth.session.userId);
      if (!user) throw new AppError('AUTH_REQUIRED');
      const outcome = await services.signIn.startEnrolment(
        user,
        {
          providerId: provider.id,
          replace: request.body.replace === true,
          label: request.body.label?.trim() || null,
          returnPath: '/account',
        },
        signInRequestOf(request),
      );
      const form = isFormPost(request);
      const next = applyOutcome(request, reply, outcome, form);
      return form ? navigate(reply, next) : next;
    },
  );

  app.patch(
    '/api/me/factors/:factorId',
    {
      schema: {
        tags,
        summary: 'Rename one of my methods, or make it the one offered first',
        params: factorParams,
        body: factorLabelBodySchema,
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request) => {
      const auth = requireFreshSession(request);
      const context = auditContextOf(request);
      if (request.body.label !== undefined)
        await services.factors.rename(auth.session.userId, request.params.factorId, request.body.label, context);
      if (request.body.isDefault === true)
        await services.factors.setDefault(auth.session.userId, request.params.factorId, context);
      return { ok: true as const };
    },
  );

  app.delete(
    '/api/me/factors/:factorId',
    {
      schema: {
        tags,
        summary: 'Remove one of my methods (refused for the last one while MFA is required for me)',
        params: factorParams,
        response: { 200: z.object({ sessionsEnded: z.number() }) },
      },
    },
    async (request) => {
      const auth = requireFreshSession(request);
      return services.factors.remove(auth.session.userId, request.params.factorId, auditContextOf(request), {
        kind: 'self',
        sessionIdHash: auth.session.idHash,
      });
    },
  );

  app.post(
    '/api/me/recovery-codes',
    {
      schema: {
        tags,
        summary: 'Generate 10 new recovery codes (shown once; any earlier set stops working)',
        response: { 200: recoveryCodesSchema },
      },
    },
    async (request, reply) => {
      const auth = requireFreshSession(request);
      reply.header('cache-control', 'no-store');
      const { codes } = await services.factors.generateRecoveryCodes(auth.session.userId, auditContextOf(request));
      return { codes };
    },
  );
}
