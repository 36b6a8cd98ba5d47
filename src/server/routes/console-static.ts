import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/catalogue.ts';
import { sendError } from '../http/error-boundary.ts';

export const CONSOLE_DIR = new URL('../../../dist/console/', import.meta.url).pathname;

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portcullis</title></head>
<body><h1>Portcullis</h1><p>The console has not been built. Run <code>npm run build</code> (<code>npm install</code>
does it).</p></body></html>`;

/**
 * Serves the console SPA. Hashed assets are cached for a year; every other GET that is not an API
 * route gets index.html, so deep links such as /settings/users work on reload.
 */
export async function registerConsole(app: FastifyInstance): Promise<void> {
  const built = existsSync(join(CONSOLE_DIR, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: join(CONSOLE_DIR, 'assets'),
      prefix: '/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
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
