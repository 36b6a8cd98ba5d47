import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkAuthorizeRequest } from './authorize-request.ts';
import { loadOrCreateTls } from './certificates.ts';
import type { EmulatorContext } from './context.ts';
import { writeFileAtomic } from './files.ts';
import { FlowState } from './flow-state.ts';
import { PromptFlow } from './prompt-flow.ts';
import { createServer } from './server.ts';
import { DuoStore, publicUser } from './store.ts';
import type { DuoEmulator, DuoEmulatorOptions, DuoFault, RecordedRequest } from './types.ts';

export type {
  DuoEmulator,
  DuoEmulatorOptions,
  DuoFault,
  DuoUser,
  IdTokenMutation,
  NewUserPolicy,
  PromptOutcome,
  RecordedRequest,
  RequestLogEntry,
} from './types.ts';

export const DEFAULT_PUSH_TIMEOUT_MS = 60_000;

/** What the CLI prints and an administrator pastes into Portcullis' provider form. */
export interface EmulatorJson {
  endpoint: string;
  clientId: string;
  clientSecret: string;
  caFile: string;
  baseUrl: string;
}

/** URLs need brackets around an IPv6 literal; a host name or IPv4 address is used as typed. */
const hostForUrl = (hostname: string): string => (hostname.includes(':') ? `[${hostname}]` : hostname);

function readyClientFrom(store: DuoStore, dataDir: string) {
  const file = join(dataDir, 'emulator.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<EmulatorJson>;
    const known = saved.clientId ? store.getClient(saved.clientId) : undefined;
    if (known && known.clientSecret === saved.clientSecret) return known;
  }
  return store.registerClient({ name: 'Portcullis' });
}

export async function startDuoEmulator(options: DuoEmulatorOptions = {}): Promise<DuoEmulator> {
  const now = options.now ?? Date.now;
  const hostname = options.hostname ?? 'localhost';
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = ownsDataDir ? mkdtempSync(join(tmpdir(), 'duo-emulator-')) : resolve(options.dataDir as string);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const tls = loadOrCreateTls(dataDir, hostname);
  const store = new DuoStore(dataDir);
  const readyClient = readyClientFrom(store, dataDir);
  const state = new FlowState(now);
  const flow = new PromptFlow(store, state, {
    now,
    codeTtlSeconds: options.codeTtlSeconds ?? 300,
    pushTimeoutMs: options.pushTimeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS,
  });
  let faults: readonly DuoFault[] = [];
  let apiHost = '';
  const recorded: RecordedRequest[] = [];
  const ctx: EmulatorContext = {
    store,
    state,
    flow,
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    faults: () => faults,
    baseUrl: () => `https://${apiHost}`,
    readyClientId: () => readyClient.clientId,
  };

  const app = createServer({
    tls: { key: tls.keyPem, cert: tls.certPem },
    ctx,
    caFile: tls.caFile,
    recorded,
    ...(options.onRequestLog ? { onRequestLog: options.onRequestLog } : {}),
  });
  await app.listen({ port: options.port ?? 0, host: options.bindAddress ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  apiHost = `${hostForUrl(hostname)}:${port}`;

  const json: EmulatorJson = {
    endpoint: apiHost,
    clientId: readyClient.clientId,
    clientSecret: readyClient.clientSecret,
    caFile: tls.caFile,
    baseUrl: ctx.baseUrl(),
  };
  writeFileAtomic(join(dataDir, 'emulator.json'), `${JSON.stringify(json, null, 2)}\n`, 0o600);

  let closed = false;
  return {
    apiHost,
    baseUrl: ctx.baseUrl(),
    caPem: tls.caPem,
    caFile: tls.caFile,
    serverSpkiSha256: tls.serverSpkiSha256,
    readyClient: { clientId: readyClient.clientId, clientSecret: readyClient.clientSecret },
    dataDir,
    registerClient: (opts) => {
      const client = store.registerClient(opts);
      return { clientId: client.clientId, clientSecret: client.clientSecret };
    },
    setNewUserPolicy: (policy) => store.setNewUserPolicy(policy),
    setUser: (username, patch) => {
      store.setUser(username, patch);
    },
    getUser: (username) => {
      const user = store.findUser(username);
      return user ? publicUser(user) : undefined;
    },
    setFaults: (next) => {
      faults = structuredClone(next);
    },
    requests: recorded,
    clearRequests: () => {
      recorded.length = 0;
    },
    completeAuthorization: async (authorizeUrl, outcome = 'approve') => {
      const url = new URL(authorizeUrl);
      if (url.origin !== ctx.baseUrl() || url.pathname !== '/oauth/v1/authorize')
        return {
          kind: 'error',
          status: 404,
          message: `Not this emulator's authorize endpoint: ${url.origin}${url.pathname}`,
        };
      const query: Record<string, string | string[]> = {};
      for (const [k, v] of url.searchParams) {
        const prev = query[k];
        query[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
      }
      const check = await checkAuthorizeRequest(query, {
        baseUrl: ctx.baseUrl(),
        nowSeconds: ctx.nowSeconds(),
        findClient: (id) => store.getClient(id),
      });
      if (!check.ok) return { kind: 'error', status: check.status, message: check.message };
      const result = flow.complete(check.request, '127.0.0.1', outcome);
      return result.kind === 'redirect' ? result : { kind: 'denied', reason: result.reason };
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
