import { parse as parseQuery } from 'node:querystring';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAdminRoutes } from './admin-routes.ts';
import type { EmulatorContext } from './context.ts';
import { registerEnrollRoutes } from './enroll-routes.ts';
import { isFormBody, statFail } from './errors.ts';
import { parseMultipart } from './multipart.ts';
import { registerOauthRoutes } from './oauth-routes.ts';
import { statusPage } from './pages/info-pages.ts';
import { registerPromptRoutes } from './prompt-routes.ts';
import { rawBodies } from './raw-body.ts';
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

  // Only the bodies Duo reads: form encodings, and JSON for the Admin API's v5 signatures.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    rawBodies.set(request, body as string);
    done(null, asMulti(parseQuery(body as string)));
  });
  // JSON is kept raw as well: an Admin API v5 signature covers the body's exact bytes.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    rawBodies.set(request, body as string);
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('The body is not valid JSON.'), { statusCode: 400, duoCode: 40003 }), undefined);
    }
  });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (request, body, done) => {
    const parsed = parseMultipart(body as Buffer, String(request.headers['content-type']));
    if (parsed.ok) done(null, parsed.fields);
    else done(Object.assign(new Error(parsed.problem), { statusCode: 400, duoCode: 40001 }), undefined);
  });

  // Duo's own error envelope, never Fastify's {"statusCode","error","message"}.
  app.setNotFoundHandler((_request, reply) => statFail(reply, 404, 40401, 'Resource not found'));
  app.setErrorHandler(
    (error: { statusCode?: number; code?: string; message: string; duoCode?: number }, _request, reply) => {
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
        return statFail(
          reply,
          415,
          41501,
          'Unsupported Media Type',
          'Send application/x-www-form-urlencoded or multipart/form-data.',
        );
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) return statFail(reply, 500, 50000, 'Internal server error');
      return statFail(reply, status, error.duoCode ?? status * 100, 'Invalid request', error.message);
    },
  );

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
    if (record && isFormBody(type) && request.body && typeof request.body === 'object')
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
        adminIntegrationKey: ctx.readyAdminKey(),
        newUserPolicy: ctx.store.newUserPolicy,
        users: ctx.store.listUsers(),
      }),
    ),
  );

  registerOauthRoutes(app, ctx);
  registerPromptRoutes(app, ctx);
  registerEnrollRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  return app;
}
