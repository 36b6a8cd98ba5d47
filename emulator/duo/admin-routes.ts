// Duo's Admin API, the part Portcullis uses: users and their phones, bypass codes, the authentication log and the
// account summary. Every call is signed (admin-signature.ts) by an Admin API application with the permission the
// endpoint needs, and answered in Duo's {"stat":"OK","response":…} / {"stat":"FAIL","code":…} envelope.
import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type CanonicalRequest, matchingSignature, type Params, readCredentials } from './admin-signature.ts';
import { authLogView, userView } from './admin-views.ts';
import type { EmulatorContext } from './context.ts';
import { statFail } from './errors.ts';
import { answerWithFault, faultsFor } from './faults.ts';
import { rawBodies } from './raw-body.ts';
import { applicationType, type StoredClient } from './store.ts';
import type { AdminPermission } from './types.ts';

/** How far the request's Date may be from the emulator's clock (Duo documents no figure; guessed). */
const DATE_TOLERANCE_SECONDS = 300;

const PERMISSION_NAMES: Record<AdminPermission, string> = {
  read_resource: 'Grant read resource',
  write_resource: 'Grant write resource',
  read_log: 'Grant read log',
  read_information: 'Grant read information',
};

const ok = (reply: FastifyReply, response: unknown, metadata?: Record<string, unknown>) =>
  reply.code(200).send({ stat: 'OK', response, ...(metadata ? { metadata } : {}) });

const asParams = (value: unknown): Params =>
  Object.fromEntries(
    Object.entries((value && typeof value === 'object' ? value : {}) as Record<string, unknown>).filter(
      (e): e is [string, string | string[]] => typeof e[1] === 'string' || Array.isArray(e[1]),
    ),
  );

function one(params: Params, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? undefined : value;
}

/** The request as each signature version saw it; the path and query come from the raw URL, not a re-encoding. */
function asSigned(request: FastifyRequest, host: string, date: string): { v2: CanonicalRequest; v5: CanonicalRequest } {
  const mark = request.url.indexOf('?');
  const path = mark === -1 ? request.url : request.url.slice(0, mark);
  const query = asParams(parseQuery(mark === -1 ? '' : request.url.slice(mark + 1)));
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(request.method);
  const isJson = String(request.headers['content-type'] ?? '').startsWith('application/json');
  const base = { date, method: request.method, host, path };
  return {
    v2: { ...base, params: hasBody && !isJson ? asParams(request.body) : query },
    v5: { ...base, params: query, body: hasBody ? (rawBodies.get(request) ?? '') : '' },
  };
}

type Authenticated = { ok: true; client: StoredClient } | { ok: false };

async function authenticate(
  ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  permission: AdminPermission,
): Promise<Authenticated> {
  const credentials = readCredentials(request.headers.authorization);
  if (!credentials) {
    await statFail(reply, 401, 40101, 'Missing request credentials');
    return { ok: false };
  }
  const date = String(request.headers['x-duo-date'] ?? request.headers.date ?? '');
  const sentAt = Date.parse(date);
  if (!date || Number.isNaN(sentAt) || Math.abs(sentAt / 1000 - ctx.nowSeconds()) > DATE_TOLERANCE_SECONDS) {
    await statFail(reply, 401, 40105, 'Invalid request date', 'The Date header is missing or too far from now.');
    return { ok: false };
  }
  const client = ctx.store.getClient(credentials.integrationKey);
  if (!client) {
    await statFail(reply, 401, 40102, 'Invalid integration key in request credentials');
    return { ok: false };
  }
  const host = new URL(ctx.baseUrl()).host;
  if (!matchingSignature(credentials.signature, client.clientSecret, asSigned(request, host, date))) {
    await statFail(reply, 401, 40103, 'Invalid signature in request credentials');
    return { ok: false };
  }
  if (applicationType(client) !== 'admin_api') {
    await statFail(reply, 403, 40301, 'Access forbidden', 'These are not the credentials of an Admin API application.');
    return { ok: false };
  }
  if (!(client.permissions ?? []).includes(permission)) {
    await statFail(reply, 403, 40301, 'Access forbidden', `The application needs "${PERMISSION_NAMES[permission]}".`);
    return { ok: false };
  }
  return { ok: true, client };
}

/** A route that answers only a signed request from an Admin API application holding `permission`. */
function signed(
  ctx: EmulatorContext,
  permission: AdminPermission,
  handle: (request: FastifyRequest, reply: FastifyReply, params: Params) => unknown,
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (await answerWithFault(faultsFor(ctx.faults(), 'admin'), request, reply, ctx.nowSeconds)) return reply;
    const auth = await authenticate(ctx, request, reply, permission);
    if (!auth.ok) return reply;
    const hasBody = ['POST', 'PUT', 'PATCH'].includes(request.method);
    return handle(request, reply, asParams(hasBody ? request.body : request.query));
  };
}

const limitOf = (value: string | undefined, fallback: number, max: number): number | undefined => {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : undefined;
};

export function registerAdminRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const userById = (id: string) => ctx.store.findUserByKey(id);

  app.get(
    '/admin/v1/users',
    signed(ctx, 'read_resource', (_request, reply, params) => {
      const username = one(params, 'username');
      const users = username === undefined ? ctx.store.listUsers() : [ctx.store.findUser(username)].filter((u) => !!u);
      const limit = limitOf(one(params, 'limit'), 100, 300);
      const offset = Number(one(params, 'offset') ?? 0);
      if (limit === undefined || !Number.isInteger(offset) || offset < 0)
        return statFail(reply, 400, 40002, 'Invalid request parameters', 'limit must be 1..300, offset >= 0');
      const page = users.slice(offset, offset + limit);
      const next = offset + limit < users.length ? { next_offset: offset + limit } : {};
      return ok(reply, page.map(userView), { total_objects: users.length, ...next, prev_offset: offset });
    }),
  );

  app.get<{ Params: { userId: string } }>(
    '/admin/v1/users/:userId',
    signed(ctx, 'read_resource', (request, reply) => {
      const user = userById((request.params as { userId: string }).userId);
      return user ? ok(reply, userView(user)) : statFail(reply, 404, 40401, 'Resource not found');
    }),
  );

  app.get<{ Params: { userId: string } }>(
    '/admin/v1/users/:userId/phones',
    signed(ctx, 'read_resource', (request, reply) => {
      const user = userById((request.params as { userId: string }).userId);
      return user ? ok(reply, userView(user).phones) : statFail(reply, 404, 40401, 'Resource not found');
    }),
  );

  app.delete<{ Params: { phoneId: string } }>(
    '/admin/v1/phones/:phoneId',
    signed(ctx, 'write_resource', (request, reply) =>
      ctx.store.deletePhone((request.params as { phoneId: string }).phoneId)
        ? ok(reply, '')
        : statFail(reply, 404, 40401, 'Resource not found'),
    ),
  );

  app.post<{ Params: { userId: string } }>(
    '/admin/v1/users/:userId/bypass_codes',
    signed(ctx, 'write_resource', (request, reply, params) => {
      const user = userById((request.params as { userId: string }).userId);
      if (!user) return statFail(reply, 404, 40401, 'Resource not found');
      const count = limitOf(one(params, 'count'), 10, 10);
      if (count === undefined) return statFail(reply, 400, 40002, 'Invalid request parameters', 'count must be 1..10');
      return ok(reply, ctx.store.createBypassCodes(user.username, count));
    }),
  );

  app.get(
    '/admin/v1/info/summary',
    signed(ctx, 'read_information', (_request, reply) =>
      ok(reply, {
        admin_count: 1,
        integration_count: ctx.store.clientCount(),
        telephony_credits_remaining: 0,
        user_count: ctx.store.listUsers().length,
      }),
    ),
  );

  app.get(
    '/admin/v2/logs/authentication',
    signed(ctx, 'read_log', (_request, reply, params) => authenticationLogPage(ctx, reply, params)),
  );
}

/**
 * GET /admin/v2/logs/authentication: mintime and maxtime (ms, required), limit (default 100, at most 1000),
 * next_offset ("<ms>,<txid>" from the previous page's metadata.next_offset), sort ts:asc (default) or ts:desc.
 * Duo makes a new authentication visible only after an intentional delay (the authLogDelaySeconds knob).
 */
function authenticationLogPage(ctx: EmulatorContext, reply: FastifyReply, params: Params) {
  const mintime = Number(one(params, 'mintime'));
  const maxtime = Number(one(params, 'maxtime'));
  const limit = limitOf(one(params, 'limit'), 100, 1000);
  const sort = one(params, 'sort') ?? 'ts:asc';
  if (!Number.isInteger(mintime) || !Number.isInteger(maxtime) || mintime < 0 || maxtime < mintime)
    return statFail(reply, 400, 40002, 'Invalid request parameters', 'mintime and maxtime (ms) are required');
  if (limit === undefined || !['ts:asc', 'ts:desc'].includes(sort))
    return statFail(reply, 400, 40002, 'Invalid request parameters', 'limit must be 1..1000, sort ts:asc or ts:desc');
  const visibleUntil = ctx.now() - ctx.knobs().authLogDelaySeconds * 1000;
  const matching = ctx.log.between(mintime, Math.min(maxtime, visibleUntil));
  const ordered = sort === 'ts:desc' ? [...matching].reverse() : matching;
  let start = 0;
  const offset = one(params, 'next_offset');
  if (offset !== undefined) {
    const [ms, txid] = offset.split(',');
    const index = ordered.findIndex((e) => e.txid === txid && String(e.timestamp * 1000) === ms);
    if (index === -1) return statFail(reply, 400, 40002, 'Invalid request parameters', 'next_offset is not valid');
    start = index + 1;
  }
  const page = ordered.slice(start, start + limit);
  const last = page.at(-1);
  const more = last !== undefined && start + limit < ordered.length;
  return ok(reply, {
    authlogs: page.map(authLogView),
    metadata: {
      next_offset: more ? [String(last.timestamp * 1000), last.txid] : null,
      total_objects: ordered.length,
    },
  });
}
