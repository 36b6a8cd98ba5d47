/**
 * Our Duo Admin API client (no Duo SDK at run time): checks the credentials, finds a user with
 * their status and phones, deletes a phone, and pages through the authentication log. Pure: no
 * Fastify, no database, no process.env. It shares the OIDC client's transport — TLS always
 * verified with an optional extra CA, no redirects, no proxies, one deadline per call — and its
 * DuoError, whose messages never carry the secret key or the signature.
 */
import pkg from '../../../../package.json' with { type: 'json' };
import { normalizeApiHost } from '../config.ts';
import { DuoError } from '../errors.ts';
import { createTransport, malformed } from '../transport.ts';
import {
  type DuoAdminSummary,
  type DuoAdminUser,
  type DuoAuthLogEntry,
  readAuthLog,
  readResponse,
  readSummary,
  readUser,
} from './results.ts';
import { signRequest } from './signing.ts';

export interface DuoAdminSettings {
  /** The Admin API application's integration key (20 characters, "DI…"). */
  integrationKey: string;
  /** Its secret key (40 characters). */
  secretKey: string;
  /** Already normalised (see normalizeApiHost); the same host as the Web SDK application. */
  apiHost: string;
}

export interface DuoAdminOptions {
  /** false in production: apiHost must match api-*.duosecurity.com / api-*.duofederal.com. */
  allowCustomHosts: boolean;
  extraCaPem?: string;
  /** Per call, default 5000. */
  timeoutMs?: number;
  /** ms clock for the Date header and default log windows, default Date.now. */
  now?: () => number;
  userAgent?: string;
}

export interface AuthLogQuery {
  /** Epoch ms, inclusive. */
  mintimeMs: number;
  /** Epoch ms, inclusive; default now. */
  maxtimeMs?: number;
  /** Entries per page, 1..1000 (Duo's maximum), default 1000. */
  limit?: number;
  /** Where the previous read stopped (its nextOffset). */
  nextOffset?: string;
  /** Pages to read before returning, default 10; nextOffset then says where to go on. */
  maxPages?: number;
}

export interface DuoAdminClient {
  /** A live call that needs valid credentials (GET /admin/v1/info/summary, "Grant read information"). */
  checkCredentials(): Promise<DuoAdminSummary>;
  /** The user Duo knows by this name (Duo matches names case-insensitively), or null. */
  findUser(username: string): Promise<DuoAdminUser | null>;
  /** Removes the phone from Duo (the user keeps their account). A phone Duo no longer has is a not_found DuoError. */
  deletePhone(phoneId: string): Promise<void>;
  /** Authentication log entries, oldest first; nextOffset is null once the window is read to its end. */
  readAuthenticationLog(query: AuthLogQuery): Promise<{ entries: DuoAuthLogEntry[]; nextOffset: string | null }>;
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_USER_AGENT = `portcullis/${pkg.version} node/${process.versions.node}`;
const KEY_ID = /^DI[A-Z0-9]{18}$/;
const ID = /^[A-Za-z0-9]{1,64}$/;

function configuration(message: string): DuoError {
  return new DuoError({
    kind: 'configuration',
    operation: 'configuration',
    message,
    hint: 'correct the Admin API settings',
  });
}

export function createDuoAdminClient(settings: DuoAdminSettings, options: DuoAdminOptions): DuoAdminClient {
  if (!KEY_ID.test(settings.integrationKey))
    throw configuration('The Admin API integration key is 20 letters and digits starting with DI.');
  if (typeof settings.secretKey !== 'string' || settings.secretKey.length !== 40)
    throw configuration('The Admin API secret key is 40 characters.');
  const host = normalizeApiHost(settings.apiHost, { allowCustomHosts: options.allowCustomHosts });
  if (!host.ok) throw configuration(host.message);
  if (host.host !== settings.apiHost) throw configuration(`The API hostname must be stored normalised (${host.host}).`);
  const now = options.now ?? Date.now;
  const transport = createTransport({
    apiHost: settings.apiHost,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    ...(options.extraCaPem !== undefined && { extraCaPem: options.extraCaPem }),
  });

  async function call(method: 'GET' | 'DELETE', path: string, params: Record<string, string> = {}) {
    const date = new Date(now()).toUTCString();
    const authorization = signRequest(settings.integrationKey, settings.secretKey, {
      date,
      method,
      host: settings.apiHost,
      path,
      params,
    });
    const query = new URLSearchParams(params).toString();
    const res = await transport.request(
      method,
      query ? `${path}?${query}` : path,
      { headers: { date, authorization } },
      'admin_api',
    );
    // The signature and the header that carries it are as secret as the key, for as long as the Date is fresh:
    // each is scrubbed from Duo's answer in every form a server might quote it (the header, its base64, the hex).
    const signature = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':')[1] ?? '';
    return { res, response: readResponse(res, [settings.secretKey, authorization, authorization.slice(6), signature]) };
  }

  return {
    async checkCredentials() {
      const { res, response } = await call('GET', '/admin/v1/info/summary');
      return readSummary(response, res.status);
    },

    async findUser(username) {
      if (typeof username !== 'string' || username.trim() === '' || username.length > 1024)
        throw configuration('A non-empty username (at most 1024 characters) is required.');
      const { res, response } = await call('GET', '/admin/v1/users', { username });
      if (!Array.isArray(response)) throw malformed('admin_api', 'a user list that is not a list', 'shape', res.status);
      const wanted = username.toLowerCase();
      const user = response.map((u) => readUser(u, res.status)).find((u) => u.username.toLowerCase() === wanted);
      return user ?? null;
    },

    async deletePhone(phoneId) {
      if (!ID.test(phoneId)) throw configuration('A Duo phone_id is letters and digits.');
      await call('DELETE', `/admin/v1/phones/${phoneId}`);
    },

    async readAuthenticationLog(query) {
      const maxtimeMs = query.maxtimeMs ?? now();
      const limit = query.limit ?? 1000;
      const maxPages = query.maxPages ?? 10;
      if (!Number.isInteger(query.mintimeMs) || !Number.isInteger(maxtimeMs) || query.mintimeMs > maxtimeMs)
        throw configuration('mintimeMs and maxtimeMs must be whole milliseconds, mintimeMs first.');
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw configuration('limit must be 1 to 1000.');
      const entries: DuoAuthLogEntry[] = [];
      let nextOffset: string | null = query.nextOffset ?? null;
      for (let page = 0; page < maxPages; page += 1) {
        const params: Record<string, string> = {
          mintime: String(query.mintimeMs),
          maxtime: String(maxtimeMs),
          limit: String(limit),
          sort: 'ts:asc',
          ...(nextOffset !== null && { next_offset: nextOffset }),
        };
        const { res, response } = await call('GET', '/admin/v2/logs/authentication', params);
        const read = readAuthLog(response, res.status);
        entries.push(...read.entries);
        nextOffset = read.nextOffset;
        if (nextOffset === null) break;
      }
      return { entries, nextOffset };
    },

    close: () => transport.close(),
  };
}
