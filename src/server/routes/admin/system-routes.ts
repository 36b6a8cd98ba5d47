import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
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
