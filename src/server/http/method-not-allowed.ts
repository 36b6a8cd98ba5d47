import type { FastifyInstance } from 'fastify';

/**
 * Fastify answers an unknown method on a known path with 404. We say 405 with an Allow header, so a
 * GET to a state-changing route (a logout link, say) is plainly refused (ASVS 3.5.3).
 */
export function trackRouteMethods(app: FastifyInstance) {
  const routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  app.addHook('onRoute', (route) => {
    const pattern = new RegExp(
      `^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}/?$`,
    );
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const existing = routes.find((entry) => entry.pattern.source === pattern.source);
    if (existing) for (const method of methods) existing.methods.add(method);
    else routes.push({ pattern, methods: new Set(methods) });
  });
  return {
    /** The methods a path accepts, or null when no route has this path at all. */
    allowedMethods(path: string): string[] | null {
      const entry = routes.find((candidate) => candidate.pattern.test(path));
      return entry ? [...entry.methods] : null;
    },
  };
}
