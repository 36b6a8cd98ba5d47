import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuthLog } from './auth-log.ts';
import { checkAuthorizeRequest } from './authorize-request.ts';
import { loadOrCreateTls } from './certificates.ts';
import type { EmulatorContext } from './context.ts';
import { writeFileAtomic } from './files.ts';
import { FlowState } from './flow-state.ts';
import { PromptFlow } from './prompt-flow.ts';
import { createServer } from './server.ts';
import { DuoStore, publicUser } from './store.ts';
import type { DuoEmulator, DuoEmulatorOptions, DuoFault, DuoKnobs, RecordedRequest } from './types.ts';

export type {
  AdminPermission,
  AuthLogEntry,
  DuoApplicationType,
  DuoEmulator,
  DuoEmulatorOptions,
  DuoFault,
  DuoKnobs,
  DuoUser,
  FaultEndpoint,
  IdTokenMutation,
  NewUserPolicy,
  PromptOutcome,
  RecordedRequest,
  RequestLogEntry,
} from './types.ts';

export const DEFAULT_PUSH_TIMEOUT_MS = 60_000;

/** The defaults the evidence favours; docs/duo-emulator.md says why for each. */
export const DEFAULT_KNOBS: DuoKnobs = {
  jtiReplay: 'reject',
  healthCheckFailStatus: 200,
  framelessAccess: true,
  authLogDelaySeconds: 120,
};

const KNOB_CHECKS: { [K in keyof DuoKnobs]: (value: unknown) => boolean } = {
  jtiReplay: (v) => v === 'reject' || v === 'accept',
  healthCheckFailStatus: (v) => v === 200 || v === 400,
  framelessAccess: (v) => typeof v === 'boolean',
  authLogDelaySeconds: (v) => Number.isInteger(v) && (v as number) >= 0,
};

function checkKnobs(knobs: Partial<DuoKnobs>): Partial<DuoKnobs> {
  for (const [name, value] of Object.entries(knobs)) {
    const check = KNOB_CHECKS[name as keyof DuoKnobs] as ((value: unknown) => boolean) | undefined;
    if (!check) throw new Error(`Unknown emulator knob: ${name}`);
    if (!check(value)) throw new Error(`The knob ${name} cannot be ${JSON.stringify(value)}`);
  }
  return knobs;
}

/** What the CLI prints and an administrator pastes into Portcullis' provider form. */
export interface EmulatorJson {
  endpoint: string;
  clientId: string;
  clientSecret: string;
  /** An Admin API application on the same host: its integration key and secret key. */
  adminIntegrationKey: string;
  adminSecretKey: string;
  caFile: string;
  baseUrl: string;
}

/** URLs need brackets around an IPv6 literal; a host name or IPv4 address is used as typed. */
const hostForUrl = (hostname: string): string => (hostname.includes(':') ? `[${hostname}]` : hostname);

/** The Web SDK application and the Admin API application kept in emulator.json, created on the first run. */
function readyClientsFrom(store: DuoStore, dataDir: string) {
  const file = join(dataDir, 'emulator.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<EmulatorJson>) : {};
  const kept = (id: string | undefined, secret: string | undefined) => {
    const known = id ? store.getClient(id) : undefined;
    return known && known.clientSecret === secret ? known : undefined;
  };
  return {
    web: kept(saved.clientId, saved.clientSecret) ?? store.registerClient({ name: 'Portcullis' }),
    admin:
      kept(saved.adminIntegrationKey, saved.adminSecretKey) ??
      store.registerClient({ name: 'Portcullis Admin API', type: 'admin_api' }),
  };
}

export async function startDuoEmulator(options: DuoEmulatorOptions = {}): Promise<DuoEmulator> {
  const now = options.now ?? Date.now;
  const hostname = options.hostname ?? 'localhost';
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = ownsDataDir ? mkdtempSync(join(tmpdir(), 'duo-emulator-')) : resolve(options.dataDir as string);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const tls = loadOrCreateTls(dataDir, hostname);
  const nowSeconds = () => Math.floor(now() / 1000);
  const store = new DuoStore(dataDir, nowSeconds);
  const ready = readyClientsFrom(store, dataDir);
  const readyClient = ready.web;
  const state = new FlowState(now);
  const log = new AuthLog(now);
  const flow = new PromptFlow(store, state, {
    now,
    codeTtlSeconds: options.codeTtlSeconds ?? 300,
    pushTimeoutMs: options.pushTimeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS,
    log,
  });
  let knobs: DuoKnobs = { ...DEFAULT_KNOBS, ...checkKnobs(options.knobs ?? {}) };
  let faults: readonly DuoFault[] = [];
  let apiHost = '';
  const recorded: RecordedRequest[] = [];
  const ctx: EmulatorContext = {
    store,
    state,
    flow,
    now,
    nowSeconds,
    faults: () => faults,
    knobs: () => knobs,
    log,
    baseUrl: () => `https://${apiHost}`,
    readyClientId: () => readyClient.clientId,
    readyAdminKey: () => ready.admin.clientId,
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
    adminIntegrationKey: ready.admin.clientId,
    adminSecretKey: ready.admin.clientSecret,
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
    readyAdminApi: { integrationKey: ready.admin.clientId, secretKey: ready.admin.clientSecret },
    dataDir,
    registerClient: (opts) => {
      const client = store.registerClient(opts);
      return { clientId: client.clientId, clientSecret: client.clientSecret };
    },
    setNewUserPolicy: (policy) => store.setNewUserPolicy(policy),
    setKnobs: (next) => {
      knobs = { ...knobs, ...checkKnobs(next) };
    },
    createBypassCodes: (username, opts) => store.createBypassCodes(username, opts?.count ?? 10),
    passcodeFor: (username) => {
      const user = store.findUser(username);
      return user && store.currentPasscode(user);
    },
    authLog: log.all,
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
    completeAuthorization: async (authorizeUrl, outcome = 'approve', opts = {}) => {
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
      const result = flow.complete(check.request, '127.0.0.1', outcome, opts.code);
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
