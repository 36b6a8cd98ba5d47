import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from './files.ts';
import { type CertificateIssuer, distinguishedName, issueCertificate, keyIdentifier, spkiDer } from './x509.ts';

const ORGANIZATION = 'Portcullis Duo emulator';
const CA_COMMON_NAME = 'Portcullis Duo emulator local CA';
const DAY_MS = 86_400_000;
const CA_LIFETIME_DAYS = 3650;
// Under Chromium's 398-day ceiling, in case someone trusts the CA system-wide instead of pinning the SPKI.
const SERVER_LIFETIME_DAYS = 397;
const RENEW_BEFORE_DAYS = 30;

export interface EmulatorTls {
  caPem: string;
  caFile: string;
  certPem: string;
  keyPem: string;
  serverSpkiSha256: string;
}

/** Valid from a day ago (clock skew) for the given number of days. */
function lifetime(days: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(Date.now() - DAY_MS), notAfter: new Date(Date.now() + days * DAY_MS) };
}

function createCa(): { certPem: string; keyPem: string } {
  const ca = issueCertificate({
    commonName: CA_COMMON_NAME,
    organization: ORGANIZATION,
    isCa: true,
    ...lifetime(CA_LIFETIME_DAYS),
  });
  return { certPem: ca.certPem, keyPem: ca.keyPem };
}

function createServerCertificate(issuer: CertificateIssuer, hosts: string[]): { certPem: string; keyPem: string } {
  const server = issueCertificate({
    commonName: hosts[0] ?? 'localhost',
    organization: ORGANIZATION,
    hosts,
    issuer,
    ...lifetime(SERVER_LIFETIME_DAYS),
  });
  return { certPem: server.certPem, keyPem: server.keyPem };
}

function serverCertificateUsable(certPem: string, caPem: string, hosts: string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    if (!cert.verify(new X509Certificate(caPem).publicKey)) return false;
    if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_DAYS * DAY_MS) return false;
    return hosts.every((h) => (isIP(h) ? cert.checkIP(h) : cert.checkHost(h, { wildcards: false })) !== undefined);
  } catch {
    return false;
  }
}

/** base64(SHA-256(SPKI)): the value Chromium's --ignore-certificate-errors-spki-list takes. */
export function spkiSha256(certPem: string): string {
  const publicKey = new X509Certificate(certPem).publicKey;
  return createHash('sha256').update(spkiDer(publicKey)).digest('base64');
}

/**
 * The CA is created once per data dir and reused, so a CA file someone already trusts stays valid across restarts.
 * The server certificate is re-issued when the host name changes or it nears expiry.
 */
export function loadOrCreateTls(dataDir: string, hostname: string): EmulatorTls {
  const caFile = join(dataDir, 'ca.pem');
  const caKeyFile = join(dataDir, 'ca-key.pem');
  const certFile = join(dataDir, 'server.pem');
  const keyFile = join(dataDir, 'server-key.pem');
  if (!existsSync(caFile) || !existsSync(caKeyFile)) {
    const ca = createCa();
    writeFileAtomic(caKeyFile, ca.keyPem, 0o600);
    writeFileAtomic(caFile, ca.certPem);
  }
  const caPem = readFileSync(caFile, 'utf8');
  const caKey = readFileSync(caKeyFile, 'utf8');
  const hosts = [...new Set([hostname, 'localhost', '127.0.0.1', '::1'])];
  const existing = existsSync(certFile) && existsSync(keyFile) ? readFileSync(certFile, 'utf8') : undefined;
  if (existing === undefined || !serverCertificateUsable(existing, caPem, hosts)) {
    const caCert = new X509Certificate(caPem);
    // The issuer name must be byte-identical to the CA's subject; it is rebuilt from the same constant.
    const issuer: CertificateIssuer = {
      name: distinguishedName(CA_COMMON_NAME, ORGANIZATION),
      key: createPrivateKey(caKey),
      keyId: keyIdentifier(caCert.publicKey),
    };
    const server = createServerCertificate(issuer, hosts);
    writeFileAtomic(keyFile, server.keyPem, 0o600);
    writeFileAtomic(certFile, server.certPem);
  }
  const certPem = readFileSync(certFile, 'utf8');
  return { caPem, caFile, certPem, keyPem: readFileSync(keyFile, 'utf8'), serverSpkiSha256: spkiSha256(certPem) };
}
