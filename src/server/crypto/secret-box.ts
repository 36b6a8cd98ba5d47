import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface Keyring {
  /** Version used to seal new secrets: the highest one present. */
  active: number;
  keys: ReadonlyMap<number, Buffer>;
}

export class SecretBoxError extends Error {
  constructor(
    readonly reason: 'malformed' | 'unknown_key' | 'authentication_failed',
    message: string,
  ) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export interface SecretBox {
  readonly activeVersion: number;
  /** `aad` binds the ciphertext to where it lives (record id, field): moved elsewhere it will not open. */
  seal(plaintext: string, aad: string): string;
  open(sealed: string, aad: string): string;
  versionOf(sealed: string): number | null;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = /^v(\d+)\.([A-Za-z0-9_-]+)$/;

/**
 * AES-256-GCM with a random 96-bit nonce per message. The sealed form is `v<key version>.<base64url of
 * nonce | ciphertext | tag>`; the key version is also bound into the additional data so a ciphertext
 * cannot be relabelled with another version.
 */
export function createSecretBox(initial: Keyring, options: { reload?: () => Keyring } = {}): SecretBox {
  let keyring = initial;
  const keyFor = (version: number) => {
    let key = keyring.keys.get(version);
    if (!key && options.reload) {
      // Another process (`portcullis keys rotate`) may have added a key version to the key file since
      // this node started: load it rather than declare every re-sealed secret unreadable.
      keyring = options.reload();
      key = keyring.keys.get(version);
    }
    if (!key) throw new SecretBoxError('unknown_key', `no master key with version ${version} is loaded`);
    return key;
  };
  const boundAad = (aad: string, version: number) => Buffer.from(`${aad}|v${version}`, 'utf8');

  return {
    get activeVersion() {
      return keyring.active;
    },
    seal(plaintext, aad) {
      const version = keyring.active;
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyFor(version), nonce);
      cipher.setAAD(boundAad(aad, version));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `v${version}.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
    },
    open(sealed, aad) {
      const match = FORMAT.exec(sealed);
      if (!match) throw new SecretBoxError('malformed', 'sealed value is not in the v<version>.<data> form');
      const version = Number(match[1]);
      const raw = Buffer.from(match[2] ?? '', 'base64url');
      if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SecretBoxError('malformed', 'sealed value is truncated');
      const decipher = createDecipheriv('aes-256-gcm', keyFor(version), raw.subarray(0, NONCE_BYTES));
      decipher.setAAD(boundAad(aad, version));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new SecretBoxError(
          'authentication_failed',
          'sealed value was altered, moved, or sealed under another key',
        );
      }
    },
    versionOf(sealed) {
      const match = FORMAT.exec(sealed);
      return match ? Number(match[1]) : null;
    },
  };
}
