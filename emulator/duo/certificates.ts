import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import {
  bitStringBytes,
  bitStringFlags,
  boolean,
  explicit,
  implicitPrimitive,
  integer,
  objectIdentifier,
  octetString,
  sequence,
  set,
  time,
  utf8String,
} from './der.ts';
import { writeFileAtomic } from './files.ts';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

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

interface Issuer {
  name: Buffer;
  key: KeyObject;
  keyId: Buffer;
}

const distinguishedName = (commonName: string): Buffer =>
  sequence(
    set(sequence(objectIdentifier(OID.organization), utf8String('Portcullis Duo emulator'))),
    set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))),
  );

const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));

const spkiDer = (key: KeyObject): Buffer =>
  (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });

// RFC 5280 §4.2.1.2 method 1 would hash only the key bits; hashing the whole SPKI is equally unique and simpler.
const keyIdentifier = (key: KeyObject): Buffer => createHash('sha1').update(spkiDer(key)).digest();

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const words = [...headGroups, ...zeros, ...tailGroups].map((g) => Number.parseInt(g, 16));
  return Buffer.from(words.flatMap((w) => [w >> 8, w & 0xff]));
}

function altName(host: string): Buffer {
  if (isIP(host) === 4) return implicitPrimitive(7, Buffer.from(host.split('.').map(Number)));
  if (isIP(host) === 6) return implicitPrimitive(7, ipv6Bytes(host));
  return implicitPrimitive(2, Buffer.from(host, 'ascii'));
}

function issueCertificate(opts: {
  subject: Buffer;
  subjectKey: KeyObject;
  issuer: Issuer;
  days: number;
  extensions: Buffer[];
}): string {
  const notBefore = new Date(Date.now() - DAY_MS);
  const notAfter = new Date(Date.now() + opts.days * DAY_MS);
  const serial = randomBytes(16);
  // positive and without a leading zero byte, as DER and RFC 5280 want
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial),
    algorithm,
    opts.issuer.name,
    sequence(time(notBefore), time(notAfter)),
    opts.subject,
    spkiDer(opts.subjectKey),
    explicit(3, sequence(...opts.extensions)),
  );
  const signature = sign('sha256', tbs, opts.issuer.key);
  const der = sequence(tbs, algorithm, bitStringBytes(signature));
  const body = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${body.trimEnd()}\n-----END CERTIFICATE-----\n`;
}

function createCa(): { certPem: string; keyPem: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = distinguishedName(CA_COMMON_NAME);
  const keyId = keyIdentifier(privateKey);
  const certPem = issueCertificate({
    subject: name,
    subjectKey: privateKey,
    issuer: { name, key: privateKey, keyId },
    days: CA_LIFETIME_DAYS,
    extensions: [
      extension(OID.basicConstraints, true, sequence(boolean(true), integer(0))),
      // keyCertSign | cRLSign
      extension(OID.keyUsage, true, bitStringFlags(0x06)),
      extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
    ],
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function createServerCertificate(issuer: Issuer, hosts: string[]): { certPem: string; keyPem: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certPem = issueCertificate({
    subject: distinguishedName(hosts[0] ?? 'localhost'),
    subjectKey: privateKey,
    issuer,
    days: SERVER_LIFETIME_DAYS,
    extensions: [
      extension(OID.basicConstraints, true, sequence()),
      // digitalSignature: all an ECDHE_ECDSA server key does
      extension(OID.keyUsage, true, bitStringFlags(0x80)),
      extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth))),
      extension(OID.subjectAltName, false, sequence(...hosts.map(altName))),
      extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(privateKey))),
      extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, issuer.keyId))),
    ],
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
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
    const issuer: Issuer = {
      name: distinguishedName(CA_COMMON_NAME),
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
