// A minimal X.509 v3 issuer (EC P-256, ECDSA-SHA256): CA certificates and TLS server certificates with SANs.
// The emulator's own CA policy lives in certificates.ts; this file knows nothing about files or lifetimes, so the
// tests' throwaway PKI (test/helpers/test-pki.ts) can issue expired, mis-named or foreign certificates with it.
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
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

/** What signing a certificate needs from its issuer. */
export interface CertificateIssuer {
  /** The issuer's subject, DER-encoded; must be byte-identical to the subject in the issuer's certificate. */
  name: Buffer;
  key: KeyObject;
  /** The issuer's subject key identifier, copied into the authority key identifier. */
  keyId: Buffer;
}

export interface IssueCertificateOptions {
  commonName: string;
  /** Added to the subject before the common name when given. */
  organization?: string;
  /** SAN entries: DNS names, IPv4 or IPv6 addresses. No SAN extension when empty. */
  hosts?: readonly string[];
  /** A CA certificate (path length 0, keyCertSign/cRLSign) instead of a TLS server certificate. */
  isCa?: boolean;
  notBefore: Date;
  notAfter: Date;
  /** Signed by this issuer; self-signed when absent. */
  issuer?: CertificateIssuer;
  /** The certificate's private key; a fresh P-256 key when absent. */
  key?: KeyObject;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** This certificate as the issuer of further certificates (meaningful when isCa). */
  asIssuer: CertificateIssuer;
}

export const distinguishedName = (commonName: string, organization?: string): Buffer =>
  sequence(
    ...(organization === undefined
      ? []
      : [set(sequence(objectIdentifier(OID.organization), utf8String(organization)))]),
    set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))),
  );

const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));

export const spkiDer = (key: KeyObject): Buffer =>
  (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });

// RFC 5280 §4.2.1.2 method 1 would hash only the key bits; hashing the whole SPKI is equally unique and simpler.
export const keyIdentifier = (key: KeyObject): Buffer => createHash('sha1').update(spkiDer(key)).digest();

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

function extensionsFor(opts: IssueCertificateOptions, keyId: Buffer): Buffer[] {
  const hosts = opts.hosts ?? [];
  return [
    opts.isCa
      ? extension(OID.basicConstraints, true, sequence(boolean(true), integer(0)))
      : extension(OID.basicConstraints, true, sequence()),
    // CA: keyCertSign | cRLSign; server: digitalSignature, all an ECDHE_ECDSA server key does
    extension(OID.keyUsage, true, bitStringFlags(opts.isCa ? 0x06 : 0x80)),
    ...(opts.isCa ? [] : [extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth)))]),
    ...(hosts.length > 0 ? [extension(OID.subjectAltName, false, sequence(...hosts.map(altName)))] : []),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
    ...(opts.issuer
      ? [extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, opts.issuer.keyId)))]
      : []),
  ];
}

export function issueCertificate(opts: IssueCertificateOptions): IssuedCertificate {
  const key = opts.key ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const subject = distinguishedName(opts.commonName, opts.organization);
  const keyId = keyIdentifier(key);
  const issuer = opts.issuer ?? { name: subject, key, keyId };
  const serial = randomBytes(16);
  // positive and without a leading zero byte, as DER and RFC 5280 want
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial),
    algorithm,
    issuer.name,
    sequence(time(opts.notBefore), time(opts.notAfter)),
    subject,
    spkiDer(key),
    explicit(3, sequence(...extensionsFor(opts, keyId))),
  );
  const signature = sign('sha256', tbs, issuer.key);
  const der = sequence(tbs, algorithm, bitStringBytes(signature));
  const body = der.toString('base64').replace(/.{64}/g, '$&\n');
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${body.trimEnd()}\n-----END CERTIFICATE-----\n`,
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    asIssuer: { name: subject, key, keyId },
  };
}
