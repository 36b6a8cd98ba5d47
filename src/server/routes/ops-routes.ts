import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.ts';

/** Liveness says the process answers; readiness says it can serve (its database answers). */
export function registerOpsRoutes(app: FastifyInstance, services: Services): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    try {
      await services.storage.ping();
      return { status: 'ready', database: services.storage.engine };
    } catch (error) {
      request.log.warn({ err: { message: (error as Error).message } }, 'readiness check failed');
      return reply.status(503).send({ status: 'unavailable', database: services.storage.engine });
    }
  });

  app.get('/api/docs', { schema: { hide: true } }, async () => app.swagger());
}
