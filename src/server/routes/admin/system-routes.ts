import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  applicationUrlPreviewSchema,
  applicationUrlViewSchema,
  checkApplicationUrlBodySchema,
  diagnosticsResponseSchema,
  setApplicationUrlBodySchema,
} from '../../../shared/api/mfa.ts';
import { createRepos } from '../../db/repos/index.ts';
import { requireFreshSession } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import { callbackUrl } from '../../login/application-url.ts';
import type { Services } from '../../services.ts';
import { VERSION } from '../../version.ts';

const systemInfoSchema = z.object({
  version: z.string(),
  environment: z.enum(['production', 'development', 'test']),
  database: z.enum(['sqlite', 'postgres']),
  nodeVersion: z.string(),
  startedAt: z.string(),
  publicUrl: z.string().nullable(),
  https: z.boolean(),
  sessionLimits: z.object({ idleMinutes: z.number(), absoluteHours: z.number(), freshMinutes: z.number() }),
  secretKeyVersion: z.number(),
});

export function registerSystemRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const startedAt = new Date(services.clock()).toISOString();

  app.get(
    '/api/admin/system',
    {
      schema: {
        tags: ['system'],
        summary: 'What this node runs and how it is configured (no secrets)',
        response: { 200: systemInfoSchema },
      },
    },
    async (request) => ({
      version: VERSION,
      environment: services.config.env,
      database: services.storage.engine,
      nodeVersion: process.version,
      startedAt,
      publicUrl: services.config.publicUrl?.href ?? null,
      https: request.protocol === 'https',
      sessionLimits: services.config.session,
      secretKeyVersion: services.secretBox.activeVersion,
    }),
  );
}

/** Settings > System: the Application URL and the diagnostics that check the seed's prerequisites. */
export function registerApplicationUrlRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['system'];

  const view = async () => {
    const [state, providers] = await Promise.all([
      services.applicationUrl.current(),
      createRepos(services.storage.db).providers.all(),
    ]);
    const { url } = state;
    return {
      ...state,
      // Issue 13.10: no made-up provider id before a provider exists; each real one gets its own line.
      callbackExample: url ? callbackUrl(url, 0).replace('/mfa/0/', '/mfa/<provider id>/') : null,
      callbacks: url
        ? providers.map((provider) => ({
            providerId: provider.id,
            providerName: provider.name,
            url: callbackUrl(url, provider.id),
          }))
        : [],
    };
  };

  app.get(
    '/api/admin/settings/application-url',
    {
      schema: {
        tags,
        summary: 'The Application URL and whether it is usable',
        response: { 200: applicationUrlViewSchema },
      },
    },
    view,
  );

  app.post(
    '/api/admin/settings/application-url/check',
    {
      schema: {
        tags,
        summary:
          'What changing the Application URL would do: the diagnostics against the new value, the providers and people affected',
        body: checkApplicationUrlBodySchema,
        response: { 200: applicationUrlPreviewSchema },
      },
    },
    async (request) => services.applicationUrl.preview(request.body.applicationUrl),
  );

  app.put(
    '/api/admin/settings/application-url',
    {
      schema: {
        tags,
        summary:
          'Set the Application URL (every redirect URI is built from it). Refused while MFA is required if the diagnostics fail; confirm with the number of affected users',
        body: setApplicationUrlBodySchema,
        response: { 200: applicationUrlViewSchema },
      },
    },
    async (request) => {
      requireFreshSession(request);
      const { applicationUrl, confirmAffectedUsers } = request.body;
      await services.applicationUrl.set(applicationUrl, auditContextOf(request), { confirmAffectedUsers });
      return view();
    },
  );

  app.post(
    '/api/admin/diagnostics',
    {
      schema: {
        tags,
        summary: 'Run the diagnostics: DNS, certificate, Duo reachable directly, clock',
        response: { 200: diagnosticsResponseSchema },
      },
    },
    async () => ({ ranAt: new Date(services.clock()).toISOString(), checks: await services.diagnostics.run() }),
  );
}
