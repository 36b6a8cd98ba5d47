import type { FastifyInstance } from 'fastify';

/**
 * Headers on every response (ASVS 3.4, 14.3.2). `formActionSources` lets the sign-in form's POST
 * redirect on to Duo: browsers apply CSP form-action to the redirects that follow a form submission.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: { formActionSources: () => string[] }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const formAction = ["'self'", ...options.formActionSources()].join(' ');
    reply.header(
      'Content-Security-Policy',
      `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; ` +
        `object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action ${formAction}`,
    );
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    const isAsset = request.url.startsWith('/assets/');
    if (!isAsset && !reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
}
