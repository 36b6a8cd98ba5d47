import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  applicationUrlViewSchema,
  diagnosticsResponseSchema,
  setApplicationUrlBodySchema,
} from '../../../shared/api/mfa.ts';
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
    const state = await services.applicationUrl.current();
    return { ...state, callbackExample: state.url ? callbackUrl(state.url, 1) : null };
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

  app.put(
    '/api/admin/settings/application-url',
    {
      schema: {
        tags,
        summary: 'Set the Application URL (every redirect URI is built from it)',
        body: setApplicationUrlBodySchema,
        response: { 200: applicationUrlViewSchema },
      },
    },
    async (request) => {
      requireFreshSession(request);
      await services.applicationUrl.set(request.body.applicationUrl, auditContextOf(request));
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
