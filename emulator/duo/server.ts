import { parse as parseQuery } from 'node:querystring';
import Fastify, { type FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { registerEnrollRoutes } from './enroll-routes.ts';
import { registerOauthRoutes } from './oauth-routes.ts';
import { statusPage } from './pages/info-pages.ts';
import { registerPromptRoutes } from './prompt-routes.ts';
import { redactUrl } from './redact.ts';
import type { RecordedRequest, RequestLogEntry } from './types.ts';

export interface ServerOptions {
  tls: { key: string; cert: string };
  ctx: EmulatorContext;
  caFile: string;
  recorded: RecordedRequest[];
  onRequestLog?: (entry: RequestLogEntry) => void;
}

type Multi = Record<string, string | string[]>;

const asMulti = (parsed: Record<string, string | string[] | undefined>): Multi =>
  Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string | string[]] => e[1] !== undefined));

const flattenHeaders = (headers: Record<string, string | string[] | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter((e): e is [string, string | string[]] => e[1] !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
  );

export function createServer(opts: ServerOptions): FastifyInstance {
  const { ctx } = opts;
  // No automatic HEAD routes: a HEAD on /oauth/v1/authorize (a link previewer, a monitor) must not issue a code.
  const app = Fastify({ https: opts.tls, logger: false, forceCloseConnections: true, exposeHeadRoutes: false });
  const records = new WeakMap<object, RecordedRequest>();

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, asMulti(parseQuery(body as string)));
  });

  app.addHook('onRequest', async (request, reply) => {
    const mark = request.url.indexOf('?');
    const path = mark === -1 ? request.url : request.url.slice(0, mark);
    const search = mark === -1 ? '' : request.url.slice(mark + 1);
    const record: RecordedRequest = {
      method: request.method,
      path,
      query: asMulti(parseQuery(search)),
      headers: flattenHeaders(request.headers),
      form: null,
      receivedAt: ctx.now(),
    };
    opts.recorded.push(record);
    records.set(request, record);
    // Pages can be framed by nobody and fetch nothing from anywhere; form posts and the final redirect stay allowed.
    reply.header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
    );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  app.addHook('preHandler', async (request) => {
    const record = records.get(request);
    const type = request.headers['content-type'] ?? '';
    if (
      record &&
      type.startsWith('application/x-www-form-urlencoded') &&
      request.body &&
      typeof request.body === 'object'
    )
      record.form = request.body as Multi;
  });

  app.addHook('onResponse', async (request, reply) => {
    opts.onRequestLog?.({
      method: request.method,
      url: redactUrl(request.url),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime),
    });
  });

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(
      statusPage({
        apiHost: new URL(ctx.baseUrl()).host,
        caFile: opts.caFile,
        readyClientId: ctx.readyClientId(),
        newUserPolicy: ctx.store.newUserPolicy,
        users: ctx.store.listUsers(),
      }),
    ),
  );

  registerOauthRoutes(app, ctx);
  registerPromptRoutes(app, ctx);
  registerEnrollRoutes(app, ctx);
  return app;
}
