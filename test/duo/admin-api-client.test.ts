// Our Admin API client against the emulator over real HTTPS: each function, the errors an operator sees (never the
// secret key or the signature), TLS, timeouts and the log paging a scheduled import relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDuoAdminClient,
  type DuoAdminClient,
  type DuoAdminOptions,
} from '../../src/server/duo/admin-api/index.ts';
import { DuoError } from '../../src/server/duo/index.ts';
import { type DuoEmulator, startDuoEmulator } from './support/emulator.ts';
import { createTlsFixture } from './support/tls-fixture.ts';

const ADMIN_KEY = 'DIADMINPLANTED000001';
const ADMIN_SECRET = 'PLANTEDadminSecretDoNotLog0123456789abcd';

let emulator: DuoEmulator;
const clients: DuoAdminClient[] = [];
let webSdk: { clientId: string; clientSecret: string };

function admin(options: Partial<DuoAdminOptions> = {}, keys = { integrationKey: ADMIN_KEY, secretKey: ADMIN_SECRET }) {
  const client = createDuoAdminClient(
    { ...keys, apiHost: emulator.apiHost },
    { allowCustomHosts: true, extraCaPem: emulator.caPem, timeoutMs: 1500, ...options },
  );
  clients.push(client);
  return client;
}

/** The error's own text and its JSON: what an operator or a log line would get. */
async function failure(promise: Promise<unknown>): Promise<DuoError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DuoError);
  const duo = error as DuoError;
  const seen = `${duo.message} ${duo.hint} ${JSON.stringify(duo)} ${String(duo.stack)}`;
  expect(seen).not.toContain(ADMIN_SECRET);
  return duo;
}

beforeAll(async () => {
  emulator = await startDuoEmulator({ knobs: { authLogDelaySeconds: 0 } });
  emulator.registerClient({ clientId: ADMIN_KEY, clientSecret: ADMIN_SECRET, type: 'admin_api', name: 'Portcullis' });
  webSdk = emulator.registerClient();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await emulator.close();
});

describe('checkCredentials', () => {
  it('answers with the account summary for valid keys', async () => {
    expect(await admin().checkCredentials()).toMatchObject({ userCount: expect.any(Number) });
    const recorded = emulator.requests.at(-1);
    expect(recorded?.path).toBe('/admin/v1/info/summary');
    expect(recorded?.headers.authorization).toMatch(/^Basic /);
    expect(Date.parse(recorded?.headers.date ?? '')).not.toBeNaN();
  });

  it('a wrong secret key is invalid_credentials, quoting Duo but never the key or the signature', async () => {
    const error = await failure(admin({}, { integrationKey: ADMIN_KEY, secretKey: 'x'.repeat(40) }).checkCredentials());
    expect(error).toMatchObject({
      kind: 'invalid_credentials',
      duoCode: 40103,
      httpStatus: 401,
      operation: 'admin_api',
    });
    expect(error.message).toContain('Invalid signature in request credentials');
    const sent = emulator.requests.at(-1)?.headers.authorization ?? '';
    expect(JSON.stringify(error)).not.toContain(sent.slice(6));
  });

  it('a clock far off is invalid_credentials with a clock hint', async () => {
    const error = await failure(admin({ now: () => Date.now() - 3_600_000 }).checkCredentials());
    expect(error).toMatchObject({ kind: 'invalid_credentials', cause: 'request_date' });
    expect(error.hint).toMatch(/clock/);
  });

  it('Web SDK keys are permission_denied (they are not an Admin API application)', async () => {
    const keys = { integrationKey: webSdk.clientId, secretKey: webSdk.clientSecret };
    expect(await failure(admin({}, keys).checkCredentials())).toMatchObject({
      kind: 'permission_denied',
      duoCode: 40301,
    });
  });

  it('refuses malformed keys before any request', () => {
    expect(() => admin({}, { integrationKey: 'short', secretKey: ADMIN_SECRET })).toThrow(/integration key/);
    expect(() => admin({}, { integrationKey: ADMIN_KEY, secretKey: 'short' })).toThrow(/secret key/);
  });
});

describe('findUser', () => {
  it('finds a user by a mixed-case name with status and phones', async () => {
    emulator.setUser('Erin.Example', { enrolled: true, phone: '+1 555-0177' });
    const user = await admin().findUser('ERIN.example');
    expect(user).toMatchObject({
      username: 'erin.example',
      status: 'active',
      isEnrolled: true,
      phones: [{ phoneId: expect.stringMatching(/^DP/), number: '+15550177', activated: true }],
    });
    expect(user?.userId).toMatch(/^DU[A-Z0-9]{18}$/);
  });

  it('reports bypass, disabled and locked-out users, and null for a name Duo does not know', async () => {
    emulator.setUser('byp', { status: 'bypass' });
    emulator.setUser('dis', { status: 'disabled', enrolled: true });
    emulator.setUser('lock', { status: 'locked_out', enrolled: true });
    const client = admin();
    expect((await client.findUser('byp'))?.status).toBe('bypass');
    expect((await client.findUser('byp'))?.isEnrolled).toBe(false);
    expect((await client.findUser('dis'))?.status).toBe('disabled');
    expect((await client.findUser('lock'))?.status).toBe('locked_out');
    expect(await client.findUser('nobody-here')).toBeNull();
  });
});

describe('deletePhone', () => {
  it('removes the phone; a second delete is not_found', async () => {
    emulator.setUser('frank', { enrolled: true });
    const client = admin();
    const phoneId = (await client.findUser('frank'))?.phones[0]?.phoneId ?? '';
    await client.deletePhone(phoneId);
    expect(await client.findUser('frank')).toMatchObject({ isEnrolled: false, phones: [] });
    expect(await failure(client.deletePhone(phoneId))).toMatchObject({ kind: 'not_found', duoCode: 40401 });
    expect(emulator.requests.at(-1)?.method).toBe('DELETE');
  });

  it("refuses a phone id that is not Duo's shape without sending anything", async () => {
    const before = emulator.requests.length;
    await expect(admin().deletePhone('../users/x')).rejects.toMatchObject({ kind: 'configuration' });
    expect(emulator.requests.length).toBe(before);
  });
});

describe('readAuthenticationLog', () => {
  it('pages through every outcome since a time, with the txids of the id_tokens', async () => {
    emulator.setUser('gina', { enrolled: true });
    const since = Date.now() - 1000;
    const { createDuoClient, createNonce, createState } = await import('../../src/server/duo/index.ts');
    const oidc = createDuoClient(
      { ...webSdk, apiHost: emulator.apiHost, redirectUri: 'https://portal.example.com/cb' },
      { allowCustomHosts: true, extraCaPem: emulator.caPem },
    );
    const outcomes = ['approve', 'deny', 'timeout', 'fraud', 'approve'] as const;
    let approvedTxid = '';
    for (const outcome of outcomes) {
      if (outcome === 'approve' && emulator.getUser('gina')?.status === 'locked_out')
        emulator.setUser('gina', { status: 'active' });
      const nonce = createNonce();
      const url = oidc.createAuthUrl('gina', createState(), nonce);
      const answer = await emulator.completeAuthorization(url, outcome);
      if (answer.kind === 'redirect') {
        const code = new URL(answer.url).searchParams.get('duo_code') ?? '';
        approvedTxid = (await oidc.exchangeCode(code, 'gina', nonce)).txid ?? '';
      }
    }
    await oidc.close();

    const client = admin();
    const first = await client.readAuthenticationLog({ mintimeMs: since, limit: 2, maxPages: 1 });
    expect(first.entries).toHaveLength(2);
    expect(first.nextOffset).toMatch(/^\d{13},[0-9a-f-]{36}$/);
    const rest = await client.readAuthenticationLog({ mintimeMs: since, limit: 2, nextOffset: first.nextOffset ?? '' });
    expect(rest.nextOffset).toBeNull();
    const gina = [...first.entries, ...rest.entries].filter((e) => e.username === 'gina');
    expect(gina.map((e) => `${e.result}/${e.reason}`)).toEqual([
      'success/user_approved',
      'denied/user_mistake',
      'denied/no_response',
      'fraud/user_marked_fraud',
      'success/user_approved',
    ]);
    expect(gina.at(-1)?.txid).toBe(approvedTxid);
    expect(gina.every((e) => e.factor === 'duo_push' && e.applicationKey === webSdk.clientId)).toBe(true);
    expect(new Set(gina.map((e) => e.txid)).size).toBe(5);
  });

  it('without "Grant read log" the import is permission_denied', async () => {
    const limited = emulator.registerClient({ type: 'admin_api', permissions: ['read_resource'] });
    const client = admin({}, { integrationKey: limited.clientId, secretKey: limited.clientSecret });
    expect(await client.findUser('gina')).not.toBeNull();
    const error = await failure(client.readAuthenticationLog({ mintimeMs: 0 }));
    expect(error).toMatchObject({ kind: 'permission_denied' });
    expect(error.message).toContain('Grant read log');
  });
});

describe('transport', () => {
  it('an emulator CA the client was not given is a tls error (verification is never turned off)', async () => {
    const error = await failure(admin({ extraCaPem: createTlsFixture().caPem }).checkCredentials());
    expect(error).toMatchObject({ kind: 'tls', cause: 'cert_untrusted' });
  });

  it('a slow Duo is a timeout; a 500 page is server_error; a 429 is rate_limited', async () => {
    try {
      emulator.setFaults([{ endpoint: 'admin', kind: 'slow', delayMs: 1200 }]);
      expect(await failure(admin({ timeoutMs: 300 }).checkCredentials())).toMatchObject({ kind: 'timeout' });
      emulator.setFaults([{ endpoint: 'admin', kind: 'http_500_html' }]);
      expect(await failure(admin().findUser('gina'))).toMatchObject({ kind: 'server_error', httpStatus: 500 });
      emulator.setFaults([{ endpoint: 'admin', kind: 'http_429' }]);
      expect(await failure(admin().findUser('gina'))).toMatchObject({ kind: 'rate_limited' });
      emulator.setFaults([{ endpoint: 'admin', kind: 'malformed_json' }]);
      expect(await failure(admin().findUser('gina'))).toMatchObject({ kind: 'malformed_response' });
    } finally {
      emulator.setFaults([]);
    }
  });
});
