import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  checkClientId,
  checkClientSecret,
  checkRedirectUri,
  createDuoClient,
  createNonce,
  createState,
  DuoError,
  normalizeApiHost,
  proxyVariablesSet,
} from '../../src/server/duo/index.ts';

const CLIENT_ID = 'DIABCDEFGHIJKLMNOPQR';
const SECRET = 'S3cr3tPLANTEDxxxxxxxxxxxxxxxxxxxxxxxxxxx';
const settings = {
  clientId: CLIENT_ID,
  clientSecret: SECRET,
  apiHost: 'api-abcd1234.duosecurity.com',
  redirectUri: 'https://portal.example.com/auth/mfa/duo/callback',
};

function configurationError(fn: () => unknown): DuoError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DuoError);
    expect((error as DuoError).kind).toBe('configuration');
    return error as DuoError;
  }
  throw new Error('expected a configuration error');
}

describe('provider settings', () => {
  it('case 1: a Client ID of 19 or 21 characters is rejected, 20 letters/digits accepted', () => {
    expect(checkClientId('A'.repeat(19))).toMatch(/exactly 20.*has 19/);
    expect(checkClientId('A'.repeat(21))).toMatch(/exactly 20.*has 21/);
    expect(checkClientId(CLIENT_ID)).toBeNull();
    expect(checkClientId('DIABCDEFGHIJKLMNOPQ-')).toMatch(/letters and digits/);
    expect(checkClientId(` ${CLIENT_ID}`)).toMatch(/spaces/);
    configurationError(() => createDuoClient({ ...settings, clientId: 'A'.repeat(19) }, { allowCustomHosts: false }));
  });

  it('case 2: a secret of 39 or 41 characters is rejected, 40 accepted, and the value is never echoed', () => {
    const short = SECRET.slice(0, 39);
    const long = `${SECRET}x`;
    expect(checkClientSecret(short)).toMatch(/exactly 40.*has 39/);
    expect(checkClientSecret(long)).toMatch(/exactly 40.*has 41/);
    expect(checkClientSecret(SECRET)).toBeNull();
    expect(checkClientSecret(` ${SECRET} `)).toMatch(/spaces around/);
    for (const bad of [short, long, ` ${SECRET} `]) expect(checkClientSecret(bad)).not.toContain(short);
    const error = configurationError(() =>
      createDuoClient({ ...settings, clientSecret: short }, { allowCustomHosts: false }),
    );
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(short);
  });

  it('case 3: endpoint normalisation stores one canonical host and rejects empty, spaces and paths', () => {
    for (const input of [
      'https://api-x.duosecurity.com/',
      'API-X.duosecurity.com',
      'api-x.duosecurity.com',
      '  https://API-X.DUOSECURITY.COM//  ',
    ]) {
      expect(normalizeApiHost(input, { allowCustomHosts: false })).toEqual({ ok: true, host: 'api-x.duosecurity.com' });
    }
    expect(normalizeApiHost('api-x1.duofederal.com', { allowCustomHosts: false })).toEqual({
      ok: true,
      host: 'api-x1.duofederal.com',
    });
    const rejected = [
      '',
      '   ',
      'api-x .duosecurity.com',
      'https://api-x.duosecurity.com/oauth/v1',
      'api-x.duosecurity.com?x=1',
      'api-x.duosecurity.com#frag',
      'user:pw@api-x.duosecurity.com',
      'https://',
    ];
    for (const input of rejected) {
      const result = normalizeApiHost(input, { allowCustomHosts: true });
      expect(result.ok, input).toBe(false);
      if (!result.ok) expect(result.message.length).toBeGreaterThan(20);
    }
  });

  it('production accepts only Duo API hosts; custom hosts (with a port) only when allowed', () => {
    for (const input of [
      'localhost:9443',
      'api-x.duosecurity.com.evil.example',
      'evil-api-x.duosecurity.com',
      'api-x.duosecurity.com:8443',
      '169.254.169.254',
      'api-.duosecurity.com',
    ]) {
      expect(normalizeApiHost(input, { allowCustomHosts: false }).ok, input).toBe(false);
    }
    expect(normalizeApiHost('localhost:9443', { allowCustomHosts: true })).toEqual({
      ok: true,
      host: 'localhost:9443',
    });
    expect(normalizeApiHost('https://Duo.Test:8443/', { allowCustomHosts: true })).toEqual({
      ok: true,
      host: 'duo.test:8443',
    });
    expect(normalizeApiHost('localhost:70000', { allowCustomHosts: true }).ok).toBe(false);
    expect(normalizeApiHost('local_host', { allowCustomHosts: true }).ok).toBe(false);
    configurationError(() => createDuoClient({ ...settings, apiHost: 'localhost:9443' }, { allowCustomHosts: false }));
    // The stored value must already be normalised: the id_token issuer is built from it.
    configurationError(() =>
      createDuoClient({ ...settings, apiHost: 'API-ABCD1234.duosecurity.com' }, { allowCustomHosts: false }),
    );
  });

  it('case 41 (configuration): plain http:// and other schemes are refused, even for custom hosts', () => {
    for (const allowCustomHosts of [false, true]) {
      for (const input of ['http://api-x.duosecurity.com', 'HTTP://localhost:9443', 'ftp://api-x.duosecurity.com']) {
        const result = normalizeApiHost(input, { allowCustomHosts });
        expect(result.ok, input).toBe(false);
        if (!result.ok) expect(result.message).toMatch(/HTTPS/);
      }
    }
  });

  it('case 15: a redirect_uri longer than 256 characters is refused at configuration time', () => {
    const base = 'https://portal.example.com/';
    const exactly256 = base + 'a'.repeat(256 - base.length);
    expect(checkRedirectUri(exactly256)).toBeNull();
    expect(checkRedirectUri(`${exactly256}a`)).toMatch(/257 characters.*at most 256/);
    expect(checkRedirectUri('/auth/callback')).toMatch(/absolute URL/);
    expect(checkRedirectUri('javascript:alert(1)')).toMatch(/https/);
    expect(checkRedirectUri('https://portal.example.com/cb#x')).toMatch(/fragment/);
    expect(checkRedirectUri('http://localhost:3000/cb')).toBeNull();
    configurationError(() =>
      createDuoClient({ ...settings, redirectUri: `${exactly256}a` }, { allowCustomHosts: false }),
    );
  });

  it('keeps the secret out of the client object itself (a logged client reveals nothing)', async () => {
    const duo = createDuoClient(settings, { allowCustomHosts: false });
    const rendered = inspect(duo, { depth: 10, showHidden: true }) + JSON.stringify(duo);
    expect(rendered).not.toContain(SECRET);
    expect(rendered).not.toContain(Buffer.from(SECRET).toString('base64'));
    await duo.close();
  });

  it('rejects a bad timeout and an extra CA that is not a certificate', () => {
    configurationError(() => createDuoClient(settings, { allowCustomHosts: false, timeoutMs: 0 }));
    configurationError(() => createDuoClient(settings, { allowCustomHosts: false, extraCaPem: 'not a pem' }));
  });
});

describe('state and nonce', () => {
  it('are base64url, within 22..1024 characters, carry at least 128 random bits, and differ each time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      for (const value of [createState(), createNonce()]) {
        expect(value).toMatch(/^[A-Za-z0-9_-]{22,1024}$/);
        // base64url of ≥ 16 bytes is ≥ 22 characters: 6 bits per character.
        expect(value.length * 6).toBeGreaterThanOrEqual(128);
        seen.add(value);
      }
    }
    expect(seen.size).toBe(400);
  });
});

describe('proxyVariablesSet', () => {
  it('names the proxy variables that are set, in any case, ignoring empty ones and NO_PROXY', () => {
    expect(
      proxyVariablesSet({
        HTTPS_PROXY: 'http://proxy:3128',
        http_proxy: 'http://proxy:3128',
        All_Proxy: 'socks5://x',
        NO_PROXY: 'localhost',
        HTTP_PROXY: '',
        PATH: '/usr/bin',
      }),
    ).toEqual(['All_Proxy', 'HTTPS_PROXY', 'http_proxy']);
    expect(proxyVariablesSet({})).toEqual([]);
  });
});
