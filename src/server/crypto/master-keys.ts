import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Keyring } from './secret-box.ts';

export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

export type KeySource = { kind: 'environment' } | { kind: 'file'; path: string; created: boolean };

interface KeyFile {
  format: 'portcullis-master-keys/1';
  keys: Array<{ version: number; key: string; createdAt: string }>;
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, 'master.key');
}

function toKeyring(entries: Array<{ version: number; key: Buffer }>, origin: string): Keyring {
  if (entries.length === 0) throw new MasterKeyError(`${origin} holds no keys`);
  const keys = new Map<number, Buffer>();
  for (const { version, key } of entries) {
    if (!Number.isInteger(version) || version < 1)
      throw new MasterKeyError(`${origin}: key version must be a positive integer`);
    if (key.length !== 32)
      throw new MasterKeyError(`${origin}: key version ${version} must be 32 bytes (base64), got ${key.length}`);
    if (keys.has(version)) throw new MasterKeyError(`${origin}: key version ${version} appears twice`);
    keys.set(version, key);
  }
  return { active: Math.max(...keys.keys()), keys };
}

/** `PORTCULLIS_SECRET_KEYS="1:<base64>,2:<base64>"`: the highest version seals, all of them open. */
export function parseKeySpec(spec: string): Keyring {
  const entries = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(\d+):([A-Za-z0-9+/_-]+=*)$/.exec(part);
      if (!match) throw new MasterKeyError('PORTCULLIS_SECRET_KEYS: each entry must look like <version>:<base64 key>');
      return { version: Number(match[1]), key: Buffer.from(match[2] ?? '', 'base64') };
    });
  return toKeyring(entries, 'PORTCULLIS_SECRET_KEYS');
}

function readKeyFile(path: string): KeyFile {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  if (parsed.format !== 'portcullis-master-keys/1' || !Array.isArray(parsed.keys)) {
    throw new MasterKeyError(`${path} is not a Portcullis master key file`);
  }
  return parsed;
}

function writeKeyFile(path: string, content: KeyFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path); // atomic: a crash never leaves a half-written key file
}

/**
 * Loads the master keys: from the environment when given, else from `<data dir>/master.key`, which is
 * generated (mode 0600) on first start. Keys are versioned so `portcullis keys rotate` can add one.
 */
export function loadKeyring(options: { spec: string | null; dataDir: string }): {
  keyring: Keyring;
  source: KeySource;
} {
  if (options.spec) return { keyring: parseKeySpec(options.spec), source: { kind: 'environment' } };
  const path = keyFilePath(options.dataDir);
  let created = false;
  if (!existsSync(path)) {
    writeKeyFile(path, {
      format: 'portcullis-master-keys/1',
      keys: [{ version: 1, key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() }],
    });
    created = true;
  }
  let file: KeyFile;
  try {
    file = readKeyFile(path);
  } catch (error) {
    if (error instanceof MasterKeyError) throw error;
    throw new MasterKeyError(`cannot read master key file ${path}: ${(error as Error).message}`);
  }
  const keyring = toKeyring(
    file.keys.map((entry) => ({ version: entry.version, key: Buffer.from(entry.key, 'base64') })),
    path,
  );
  return { keyring, source: { kind: 'file', path, created } };
}

/** Adds a new key version to the key file; returns the new version. Old versions stay to open old data. */
export function addKeyVersion(dataDir: string): number {
  const path = keyFilePath(dataDir);
  const file = readKeyFile(path);
  const version = Math.max(0, ...file.keys.map((entry) => entry.version)) + 1;
  file.keys.push({ version, key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() });
  writeKeyFile(path, file);
  return version;
}

/** Removes key versions older than `keep` once nothing sealed under them remains. */
export function retireKeyVersions(dataDir: string, keep: number): number[] {
  const path = keyFilePath(dataDir);
  const file = readKeyFile(path);
  const retired = file.keys.filter((entry) => entry.version < keep).map((entry) => entry.version);
  file.keys = file.keys.filter((entry) => entry.version >= keep);
  writeKeyFile(path, file);
  return retired;
}

/** True when group or others can read the key file (doctor warns). */
export function keyFileTooOpen(path: string): boolean {
  return (statSync(path).mode & 0o077) !== 0;
}
