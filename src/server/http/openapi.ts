import type {} from '@fastify/swagger'; // types only: declares fastify.swagger()
import type { FastifyInstance, RouteOptions } from 'fastify';

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

/**
 * `GET /api/docs` (fastify.swagger()) without loading @fastify/swagger at start: the plugin and its
 * dependencies cost ~3 MiB of resident memory in every portal, for a document few requests ever ask
 * for (bench/README.md, "Start-up and idle memory"). Routes are recorded as they are added; on the
 * first call the document is made once, by @fastify/swagger in a scratch Fastify instance that
 * declares the same routes with the same schemas, and kept.
 */
export function registerLazyOpenApi(app: FastifyInstance, info: OpenApiInfo): void {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  let document: Promise<unknown> | null = null;
  const swagger = () => {
    // A failed attempt is not kept: the next request tries again.
    document ??= buildDocument(routes, info).catch((error: unknown) => {
      document = null;
      throw error;
    });
    return document;
  };
  // The route handler awaits what swagger() returns, so a promise of the document serves alike.
  app.decorate('swagger', swagger as unknown as FastifyInstance['swagger']);
}

async function buildDocument(routes: RouteOptions[], info: OpenApiInfo): Promise<unknown> {
  const [{ default: Fastify }, { default: fastifySwagger }, zod] = await Promise.all([
    import('fastify'),
    import('@fastify/swagger'),
    import('fastify-type-provider-zod'),
  ]);
  const scratch = Fastify();
  scratch.setValidatorCompiler(zod.validatorCompiler);
  scratch.setSerializerCompiler(zod.serializerCompiler);
  await scratch.register(fastifySwagger, { openapi: { openapi: '3.1.0', info }, transform: zod.jsonSchemaTransform });
  for (const route of routes) {
    // HEAD twins of GET routes are added by the scratch instance itself, as they were by the app.
    const methods = [route.method].flat().filter((method) => method !== 'HEAD');
    if (methods.length === 0) continue;
    scratch.route({ method: methods, url: route.url, ...(route.schema && { schema: route.schema }), handler: noop });
  }
  await scratch.ready();
  const built = scratch.swagger();
  await scratch.close();
  return built;
}

async function noop(): Promise<null> {
  return null;
}
