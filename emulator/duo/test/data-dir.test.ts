// The data dir: the CA people trust, the ready client they pasted and the users they enrolled survive restarts.
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDuoEmulator } from '../index.ts';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'duo-data-test-'));
  dirs.push(dir);
  return dir;
};

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The certificate the server actually presents, fetched over TLS with only the emulator's CA trusted. */
function presentedCertificate(url: string, ca: string): Promise<{ raw: Buffer; pubkey: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, agent: false }, (res) => {
      const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.resume();
      res.on('end', () => resolve({ raw: cert.raw, pubkey: cert.pubkey as Buffer }));
    });
    req.on('error', reject);
  });
}

describe('certificates', () => {
  it('the server certificate chains to the CA and is valid for localhost, 127.0.0.1 and ::1', async () => {
    const emulator = await startDuoEmulator({ dataDir: freshDir() });
    try {
      const server = new X509Certificate(readFileSync(join(emulator.dataDir, 'server.pem')));
      expect(server.verify(new X509Certificate(emulator.caPem).publicKey)).toBe(true);
      expect(server.checkHost('localhost')).toBe('localhost');
      expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(server.checkIP('::1')).toBe('::1');
      expect(server.ca).toBe(false);
      expect(new X509Certificate(emulator.caPem).ca).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('a TLS client that trusts only the CA file accepts the emulator by name and by IP address', async () => {
    const emulator = await startDuoEmulator({ dataDir: freshDir() });
    try {
      const ca = readFileSync(emulator.caFile, 'utf8');
      await expect(presentedCertificate(`${emulator.baseUrl}/`, ca)).resolves.toBeTruthy();
      const port = emulator.apiHost.split(':')[1];
      await expect(presentedCertificate(`https://127.0.0.1:${port}/`, ca)).resolves.toBeTruthy();
    } finally {
      await emulator.close();
    }
  });

  it('serverSpkiSha256 is the SHA-256 of the key the server presents (for Chromium’s SPKI list)', async () => {
    const emulator = await startDuoEmulator();
    try {
      const { raw } = await presentedCertificate(`${emulator.baseUrl}/`, emulator.caPem);
      const spki = new X509Certificate(raw).publicKey.export({ type: 'spki', format: 'der' });
      expect(emulator.serverSpkiSha256).toBe(createHash('sha256').update(spki).digest('base64'));
    } finally {
      await emulator.close();
    }
  });

  it('a restart on the same data dir reuses the CA and the server certificate', async () => {
    const dataDir = freshDir();
    const first = await startDuoEmulator({ dataDir });
    const firstServer = readFileSync(join(dataDir, 'server.pem'), 'utf8');
    await first.close();
    const second = await startDuoEmulator({ dataDir });
    try {
      expect(second.caPem).toBe(first.caPem);
      expect(readFileSync(join(dataDir, 'server.pem'), 'utf8')).toBe(firstServer);
    } finally {
      await second.close();
    }
  });

  it('a new hostname re-issues the server certificate from the same CA', async () => {
    const dataDir = freshDir();
    const first = await startDuoEmulator({ dataDir });
    await first.close();
    const second = await startDuoEmulator({ dataDir, hostname: 'duo.portcullis.test' });
    try {
      expect(second.caPem).toBe(first.caPem);
      expect(second.apiHost).toMatch(/^duo\.portcullis\.test:\d+$/);
      const server = new X509Certificate(readFileSync(join(dataDir, 'server.pem')));
      expect(server.checkHost('duo.portcullis.test')).toBe('duo.portcullis.test');
      expect(server.verify(new X509Certificate(second.caPem).publicKey)).toBe(true);
    } finally {
      await second.close();
    }
  });
});

describe('persistence', () => {
  it('the ready client, registered clients, users and New User policy survive a restart', async () => {
    const dataDir = freshDir();
    const first = await startDuoEmulator({ dataDir });
    const extra = first.registerClient({ name: 'Other app' });
    first.setUser('alice', { enrolled: true, phone: '+1 555-0123' });
    first.setNewUserPolicy('deny');
    await first.close();

    const second = await startDuoEmulator({ dataDir });
    try {
      expect(second.readyClient).toEqual(first.readyClient);
      expect(second.readyAdminApi).toEqual(first.readyAdminApi);
      expect(second.getUser('alice')).toMatchObject({ enrolled: true, phone: '+1 555-0123' });
      const json = JSON.parse(readFileSync(join(dataDir, 'emulator.json'), 'utf8'));
      expect(json).toEqual({
        endpoint: second.apiHost,
        clientId: first.readyClient.clientId,
        clientSecret: first.readyClient.clientSecret,
        adminIntegrationKey: first.readyAdminApi.integrationKey,
        adminSecretKey: first.readyAdminApi.secretKey,
        caFile: second.caFile,
        baseUrl: second.baseUrl,
      });
      const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8'));
      expect(state.newUserPolicy).toBe('deny');
      expect(state.clients.map((c: { clientId: string }) => c.clientId)).toContain(extra.clientId);
    } finally {
      await second.close();
    }
  });

  it('without a data dir, a temporary one is used and removed on close()', async () => {
    const emulator = await startDuoEmulator();
    expect(existsSync(emulator.caFile)).toBe(true);
    await emulator.close();
    expect(existsSync(emulator.dataDir)).toBe(false);
  });

  it('generated Client IDs and secrets have Duo’s shapes', async () => {
    const emulator = await startDuoEmulator();
    try {
      const { clientId, clientSecret } = emulator.registerClient();
      expect(clientId).toMatch(/^DI[A-Z0-9]{18}$/);
      expect(clientSecret).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(() => emulator.registerClient({ clientId: 'DISHORT' })).toThrow(/20/);
    } finally {
      await emulator.close();
    }
  });
});
