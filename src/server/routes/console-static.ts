import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/catalogue.ts';
import { sendError } from '../http/error-boundary.ts';

export const CONSOLE_DIR = new URL('../../../dist/console/', import.meta.url).pathname;

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portcullis</title></head>
<body><h1>Portcullis</h1><p>The console has not been built. Run <code>npm run build</code> (<code>npm install</code>
does it).</p></body></html>`;

/**
 * Vite writes the console's assets as flat, hashed file names (`index-CgPlHXVR.js`). Anything else
 * under /assets/ — a dot segment, an encoded or doubled slash, a backslash, a NUL, a percent sign
 * (so double encoding too) — names no asset and is refused before a file is looked up (path traversal,
 * CWE-22; ASVS 5.3.9). Checked on the raw request line: the router decodes before matching.
 */
const ASSET_NAME = /^\/assets\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

function isAssetRequest(request: FastifyRequest): boolean {
  const path = (request.raw.url ?? '').split('?')[0] ?? '';
  return ASSET_NAME.test(path) && !path.includes('..');
}

/**
 * Serves the console SPA. Hashed assets are cached for a year; every other GET that is not an API
 * route gets index.html, so deep links such as /settings/users work on reload.
 */
export async function registerConsole(app: FastifyInstance): Promise<void> {
  const built = existsSync(join(CONSOLE_DIR, 'index.html'));
  if (built) {
    await app.register(async (assets) => {
      assets.addHook('onRequest', async (request, reply) => {
        if (!isAssetRequest(request)) return sendError(reply, request, new AppError('NOT_FOUND'));
      });
      // Whatever the file server still refuses (403, 400, 416...) is the client's mistake, not ours:
      // a plain 404 with no error log; only a real failure goes on to the error boundary.
      assets.setErrorHandler((error: { statusCode?: number }, request, reply) => {
        if (error.statusCode !== undefined && error.statusCode < 500)
          return sendError(reply, request, new AppError('NOT_FOUND'));
        throw error;
      });
      await assets.register(fastifyStatic, {
        root: join(CONSOLE_DIR, 'assets'),
        prefix: '/assets/',
        immutable: true,
        maxAge: '365d',
        index: false,
      });
    });
  }
  const indexHtml = () => (built ? readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8') : NOT_BUILT);

  app.setNotFoundHandler((request, reply) => {
    const isPage = request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/assets/');
    if (isPage && (request.headers.accept ?? '').includes('text/html')) {
      return reply.type('text/html; charset=utf-8').send(indexHtml());
    }
    return sendError(reply, request, new AppError('NOT_FOUND'));
  });
}
