/**
 * A software WebAuthn authenticator for integration tests, written from the WebAuthn Level 2 spec
 * (§6.1 authenticator data, §6.5 attestation, §6.3.3 assertion) on node:crypto and cbor-x — none of
 * the portal's code (which verifies through @simplewebauthn/server). ES256 keys, "none" or "packed"
 * self attestation, a signature counter the test controls, user verification on or off.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { Encoder } from 'cbor-x';

// WebAuthn wants CTAP2's canonical CBOR: minimal lengths, plain maps (no tag 259), plain byte strings.
// (useTag259ForMaps is a documented cbor-x option its type declarations lack.)
const cbor = new Encoder({
  useRecords: false,
  variableMapSize: true,
  tagUint8Array: false,
  ...{ useTag259ForMaps: false },
});
const encode = (value: unknown) => cbor.encode(value);

const b64url = (data: Buffer | Uint8Array) => Buffer.from(data).toString('base64url');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

export interface SoftKey {
  id: Buffer;
  privateKey: KeyObject;
  /** The COSE public key (EC2, P-256, ES256). */
  cose: Buffer;
  counter: number;
  aaguid: Buffer;
  userHandle: Buffer | null;
}

export interface CeremonyOptions {
  challenge: string;
  rp?: { id: string };
  rpId?: string;
  user?: { id: string };
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_AT = 0x40;

function coseKeyOf(privateKey: KeyObject): Buffer {
  const jwk = privateKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x ?? '', 'base64url');
  const y = Buffer.from(jwk.y ?? '', 'base64url');
  return Buffer.from(
    encode(
      new Map<number, unknown>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, x],
        [-3, y],
      ]),
    ),
  );
}

export function newSoftKey(options: { aaguid?: string; userHandle?: string } = {}): SoftKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    id: randomBytes(32),
    privateKey,
    cose: coseKeyOf(privateKey),
    counter: 0,
    aaguid: Buffer.from((options.aaguid ?? '00000000-0000-0000-0000-000000000000').replaceAll('-', ''), 'hex'),
    userHandle: options.userHandle ? Buffer.from(options.userHandle, 'base64url') : null,
  };
}

function authData(rpId: string, flags: number, counter: number, attested?: SoftKey): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(counter);
  const parts: Buffer[] = [sha256(rpId), Buffer.from([flags]), count];
  if (attested) {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(attested.id.length);
    parts.push(attested.aaguid, length, attested.id, attested.cose);
  }
  return Buffer.concat(parts);
}

function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

/** navigator.credentials.create() as a browser at `origin` would answer it, in @simplewebauthn/browser's JSON. */
export function attest(
  key: SoftKey,
  options: CeremonyOptions,
  settings: {
    origin: string;
    rpId?: string;
    userVerified?: boolean;
    backupEligible?: boolean;
    format?: 'none' | 'packed';
  },
) {
  const rpId = settings.rpId ?? options.rp?.id ?? new URL(settings.origin).hostname;
  const flags =
    FLAG_UP | FLAG_AT | (settings.userVerified === false ? 0 : FLAG_UV) | (settings.backupEligible ? FLAG_BE : 0);
  if (options.user?.id) key.userHandle = Buffer.from(options.user.id, 'base64url');
  const data = authData(rpId, flags, key.counter, key);
  const client = clientData('webauthn.create', options.challenge, settings.origin);
  const attStmt =
    settings.format === 'packed'
      ? { alg: -7, sig: sign('sha256', Buffer.concat([data, sha256(client)]), key.privateKey) }
      : {};
  const attestationObject = Buffer.from(encode({ fmt: settings.format ?? 'none', attStmt, authData: data }));
  return {
    id: b64url(key.id),
    rawId: b64url(key.id),
    type: 'public-key' as const,
    response: {
      clientDataJSON: b64url(client),
      attestationObject: b64url(attestationObject),
      transports: ['usb'],
    },
    clientExtensionResults: {},
  };
}

/** navigator.credentials.get(): signs the challenge; the counter moves forward unless `counter` is given. */
export function assert(
  key: SoftKey,
  options: CeremonyOptions,
  settings: { origin: string; rpId?: string; userVerified?: boolean; counter?: number },
) {
  const rpId = settings.rpId ?? options.rpId ?? new URL(settings.origin).hostname;
  key.counter = settings.counter ?? key.counter + 1;
  const flags = FLAG_UP | (settings.userVerified === false ? 0 : FLAG_UV);
  const data = authData(rpId, flags, key.counter);
  const client = clientData('webauthn.get', options.challenge, settings.origin);
  const signature = sign('sha256', Buffer.concat([data, sha256(client)]), key.privateKey);
  return {
    id: b64url(key.id),
    rawId: b64url(key.id),
    type: 'public-key' as const,
    response: {
      clientDataJSON: b64url(client),
      authenticatorData: b64url(data),
      signature: b64url(signature),
      ...(key.userHandle && { userHandle: b64url(key.userHandle) }),
    },
    clientExtensionResults: {},
  };
}
