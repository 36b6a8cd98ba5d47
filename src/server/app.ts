import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { AppError } from './errors/catalogue.ts';
import { registerErrorBoundary, sendError } from './http/error-boundary.ts';
import { requireAdministrator } from './http/guards.ts';
import { loggerOptions } from './http/logging.ts';
import { trackRouteMethods } from './http/method-not-allowed.ts';
import { registerLazyOpenApi } from './http/openapi.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { registerSessionHooks } from './http/session-hook.ts';
import { registerApplicationRoutes } from './routes/admin/applications-routes.ts';
import { registerAttentionRoutes } from './routes/admin/attention-routes.ts';
import { registerAuditForwardingRoutes } from './routes/admin/audit-forwarding-routes.ts';
import { registerAuditRetentionRoutes } from './routes/admin/audit-retention-routes.ts';
import { registerAuditRoutes } from './routes/admin/audit-routes.ts';
import { registerGroupRoutes } from './routes/admin/groups-routes.ts';
import { registerMfaPolicyRoutes } from './routes/admin/mfa-policy-routes.ts';
import { registerProviderRoutes } from './routes/admin/providers-routes.ts';
import { registerApplicationUrlRoutes, registerSystemRoutes } from './routes/admin/system-routes.ts';
import { registerUserFactorRoutes } from './routes/admin/user-factor-routes.ts';
import { registerUserRoutes } from './routes/admin/users-routes.ts';
import { registerChallengeRoutes } from './routes/auth/challenge-routes.ts';
import { registerSessionRoutes } from './routes/auth/session-routes.ts';
import { registerSetupRoutes } from './routes/auth/setup-routes.ts';
import { registerAccessRoutes } from './routes/authz/access-routes.ts';
import { registerForwardAuthRoutes } from './routes/authz/forward-auth-routes.ts';
import { registerConsole } from './routes/console-static.ts';
import { registerOpsRoutes } from './routes/ops-routes.ts';
import { registerAccountRoutes } from './routes/self/account-routes.ts';
import { registerMfaSelfRoutes } from './routes/self/mfa-routes.ts';
import { type AppDeps, createServices, type Services } from './services.ts';
import { VERSION } from './version.ts';

export interface App {
  fastify: FastifyInstance;
  services: Services;
}

/** Builds the HTTP application from a config and its dependencies. Reads no environment. */
export async function createApp(config: Config, deps: AppDeps & { logger?: Logger }): Promise<App> {
  const services = createServices(config, deps);
  const fastify = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: loggerOptions(config.logLevel) }),
    ...(config.tls && { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } }),
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    bodyLimit: 64 * 1024,
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    genReqId: () => randomBytes(9).toString('base64url'),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  // text/plain and multipart bodies are refused (415): a cross-site form can send those without a
  // CORS preflight, so accepting them would widen the CSRF surface (ASVS 3.5.2).
  fastify.removeContentTypeParser('text/plain');
  await fastify.register(fastifyFormbody, { bodyLimit: 16 * 1024 });
  await fastify.register(fastifyCookie);
  registerLazyOpenApi(fastify, {
    title: 'Portcullis API',
    version: VERSION,
    description: 'Send the CSRF token from GET /api/session as X-CSRF-Token with every change.',
  });

  const methods = trackRouteMethods(fastify);
  registerErrorBoundary(fastify);
  registerSecurityHeaders(fastify, {
    formActionSources: () => [...services.browserOrigins.current(), ...services.forwardAuth.formActionSources()],
  });
  fastify.addHook('onRequest', async (request) => {
    if (request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/assets/')) {
      await services.browserOrigins.refreshIfStale();
      // A sign-in that started at a protected application ends with a redirect back to it (form-action).
      await services.forwardAuth.snapshot();
    }
  });
  registerSessionHooks(fastify, { sessions: services.sessions, csrf: services.csrf });

  registerOpsRoutes(fastify, services);
  registerSessionRoutes(fastify, services);
  registerSetupRoutes(fastify, services);
  registerChallengeRoutes(fastify, services);
  registerAccountRoutes(fastify, services);
  registerMfaSelfRoutes(fastify, services);
  registerForwardAuthRoutes(fastify, services);
  registerAccessRoutes(fastify, services);
  await fastify.register(async (admin) => {
    // The administrator guard is applied once, for every route of this folder.
    admin.addHook('onRequest', async (request) => {
      requireAdministrator(request);
    });
    registerUserRoutes(admin, services);
    registerUserFactorRoutes(admin, services);
    registerAuditRoutes(admin, services);
    registerSystemRoutes(admin, services);
    registerProviderRoutes(admin, services);
    registerMfaPolicyRoutes(admin, services);
    registerApplicationUrlRoutes(admin, services);
    registerAttentionRoutes(admin, services);
    registerAuditForwardingRoutes(admin, services);
    registerAuditRetentionRoutes(admin, services);
    registerGroupRoutes(admin, services);
    registerApplicationRoutes(admin, services);
  });
  await registerConsole(fastify);

  fastify.addHook('onRequest', async (request, reply) => {
    // Runs before routing errors surface: a known path with the wrong method gets 405, not 404.
    if (request.is404) {
      const allowed = methods.allowedMethods(request.url.split('?')[0] ?? '');
      if (allowed && !allowed.includes(request.method)) {
        reply.header('Allow', allowed.join(', '));
        return sendError(reply, request, new AppError('METHOD_NOT_ALLOWED'));
      }
    }
  });

  fastify.addHook('onClose', async () => {
    await services.providerRuntime.closeAll();
  });
  // Audit forwarding runs while the app serves: from ready until close (which lets a delivery in flight finish).
  fastify.addHook('onReady', async () => services.auditForwarder.start(fastify.log));
  fastify.addHook('onClose', async () => {
    await services.auditForwarder.stop();
  });

  return { fastify, services };
}
