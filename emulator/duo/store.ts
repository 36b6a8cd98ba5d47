import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './files.ts';
import { bypassCode, clientSecret, duoKey, hotpSecret } from './random.ts';
import type { AdminPermission, DuoApplicationType, DuoUser, NewUserPolicy, RegisterClientOptions } from './types.ts';

export interface StoredClient {
  clientId: string;
  clientSecret: string;
  name: string;
  /** Absent in data dirs written before application types existed: those were all Web SDK applications. */
  type?: DuoApplicationType;
  permissions?: AdminPermission[];
}

export interface StoredUser extends DuoUser {
  /** Lowercase, as Duo stores usernames. */
  username: string;
  /** Duo's "DU…" user key (20 characters), stable for the life of the user (auth_context.user.key, user_id). */
  userKey: string;
  /** Duo's "DP…" key of the enrolled phone (auth_context.auth_device.key, phone_id). */
  phoneKey?: string;
  /** The simulated Duo Mobile's HOTP key (hex) and counter: its passcodes are RFC 4226 codes. */
  hotpKey?: string;
  hotpCounter?: number;
  /** SHA-256 (hex) of each unused bypass code: the codes themselves are shown once, when created. */
  bypassCodes?: string[];
  /** Seconds; when the user was created (Admin API `created`). */
  created?: number;
  /** Seconds; the last successful authentication (Admin API `last_login`). */
  lastLogin?: number;
}

interface PersistedState {
  version: 1;
  newUserPolicy: NewUserPolicy;
  clients: StoredClient[];
  users: StoredUser[];
}

export const DEFAULT_PHONE = '+1 555-0100';
export const ALL_ADMIN_PERMISSIONS: AdminPermission[] = [
  'read_resource',
  'write_resource',
  'read_log',
  'read_information',
];
const APPLICATION_TYPES: DuoApplicationType[] = ['web_sdk', 'admin_api', 'auth_api'];
/** How far ahead of the counter a Duo Mobile passcode is still accepted (the phone may have generated some unused). */
const HOTP_LOOK_AHEAD = 10;

export const applicationType = (client: StoredClient): DuoApplicationType => client.type ?? 'web_sdk';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** RFC 4226 HOTP, six digits, HMAC-SHA1: what Duo Mobile's passcode generator shows. */
export function hotp(keyHex: string, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', Buffer.from(keyHex, 'hex')).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

/** Clients, users and the New User policy: the part of Duo's admin panel the emulator has, kept in the data dir. */
export class DuoStore {
  private readonly file: string;
  private readonly clients = new Map<string, StoredClient>();
  private readonly users = new Map<string, StoredUser>();
  newUserPolicy: NewUserPolicy = 'enroll';

  constructor(
    dataDir: string,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.file = join(dataDir, 'state.json');
    if (!existsSync(this.file)) return;
    const saved = JSON.parse(readFileSync(this.file, 'utf8')) as PersistedState;
    this.newUserPolicy = saved.newUserPolicy;
    for (const c of saved.clients) this.clients.set(c.clientId, c);
    for (const u of saved.users) this.users.set(u.username.toLowerCase(), { ...u, username: u.username.toLowerCase() });
  }

  private save(): void {
    const state: PersistedState = {
      version: 1,
      newUserPolicy: this.newUserPolicy,
      clients: [...this.clients.values()],
      users: [...this.users.values()],
    };
    writeFileAtomic(this.file, `${JSON.stringify(state, null, 2)}\n`, 0o600);
  }

  setNewUserPolicy(policy: NewUserPolicy): void {
    if (!['enroll', 'allow', 'deny'].includes(policy)) throw new Error(`Unknown New User policy: ${String(policy)}`);
    this.newUserPolicy = policy;
    this.save();
  }

  registerClient(opts: RegisterClientOptions = {}): StoredClient {
    const type = opts.type ?? 'web_sdk';
    if (!APPLICATION_TYPES.includes(type)) throw new Error(`Unknown Duo application type: ${String(type)}`);
    const client: StoredClient = {
      clientId: opts.clientId ?? duoKey('DI'),
      clientSecret: opts.clientSecret ?? clientSecret(),
      name: opts.name ?? (type === 'admin_api' ? 'Admin API' : 'Portcullis'),
      type,
      ...(type === 'admin_api' ? { permissions: [...(opts.permissions ?? ALL_ADMIN_PERMISSIONS)] } : {}),
    };
    // Duo only ever issues these shapes, and every official SDK refuses anything else before sending a request.
    if (!/^[A-Za-z0-9]{20}$/.test(client.clientId)) throw new Error('A Duo Client ID is 20 letters or digits');
    if (client.clientSecret.length !== 40) throw new Error('A Duo Client Secret is 40 characters');
    this.clients.set(client.clientId, client);
    this.save();
    return client;
  }

  getClient(clientId: string): StoredClient | undefined {
    return this.clients.get(clientId);
  }

  clientCount(): number {
    return this.clients.size;
  }

  listUsers(): StoredUser[] {
    return [...this.users.values()];
  }

  /** Duo user names are case-insensitive and stored lowercase: "Alice" signs in as the user "alice". */
  findUser(username: string): StoredUser | undefined {
    return this.users.get(username.toLowerCase());
  }

  findUserByKey(userKey: string): StoredUser | undefined {
    return [...this.users.values()].find((u) => u.userKey === userKey);
  }

  setUser(username: string, patch: Partial<StoredUser>): StoredUser {
    if (!username) throw new Error('A Duo user needs a name');
    const existing = this.findUser(username);
    const merged: StoredUser = existing
      ? { ...existing, ...patch }
      : {
          username: username.toLowerCase(),
          userKey: duoKey('DU'),
          status: 'active',
          // A user the admin gives a phone is an enrolled user; say enrolled: false to override.
          enrolled: patch.phone !== undefined,
          created: this.nowSeconds(),
          ...patch,
        };
    if (merged.enrolled) {
      merged.phone ??= DEFAULT_PHONE;
      merged.phoneKey ??= duoKey('DP');
      merged.hotpKey ??= hotpSecret();
      merged.hotpCounter ??= 0;
    }
    this.users.set(merged.username, merged);
    this.save();
    return merged;
  }

  /** Admin API DELETE /admin/v1/phones/[phone_id]: the user keeps their account but has no device left. */
  deletePhone(phoneKey: string): boolean {
    const user = [...this.users.values()].find((u) => u.phoneKey === phoneKey);
    if (!user) return false;
    const { phone: _phone, phoneKey: _key, hotpKey: _hotp, hotpCounter: _counter, ...rest } = user;
    this.users.set(user.username, { ...rest, enrolled: false });
    this.save();
    return true;
  }

  /** The passcode Duo Mobile would show now. */
  currentPasscode(user: StoredUser): string | undefined {
    return user.hotpKey === undefined ? undefined : hotp(user.hotpKey, user.hotpCounter ?? 0);
  }

  /** A Duo Mobile passcode within the look-ahead window is accepted once; later ones stay valid. */
  redeemPasscode(user: StoredUser, passcode: string): boolean {
    if (user.hotpKey === undefined || !/^\d{6}$/.test(passcode)) return false;
    const counter = user.hotpCounter ?? 0;
    for (let step = 0; step <= HOTP_LOOK_AHEAD; step += 1) {
      if (hotp(user.hotpKey, counter + step) === passcode) {
        this.setUser(user.username, { hotpCounter: counter + step + 1 });
        return true;
      }
    }
    return false;
  }

  createBypassCodes(username: string, count: number): string[] {
    const user = this.findUser(username);
    if (!user) throw new Error(`No Duo user named ${username}`);
    if (!Number.isInteger(count) || count < 1 || count > 10) throw new Error('Create 1 to 10 bypass codes at a time');
    const codes = Array.from({ length: count }, () => bypassCode());
    // Duo replaces a user's bypass codes when new ones are generated.
    this.setUser(user.username, { bypassCodes: codes.map(sha256) });
    return codes;
  }

  /** A bypass code is single use. */
  redeemBypassCode(user: StoredUser, code: string): boolean {
    const hash = sha256(code.trim());
    const remaining = user.bypassCodes ?? [];
    if (!remaining.includes(hash)) return false;
    this.setUser(user.username, { bypassCodes: remaining.filter((h) => h !== hash) });
    return true;
  }

  recordLogin(user: StoredUser, atSeconds: number): void {
    this.setUser(user.username, { lastLogin: atSeconds });
  }
}

/** The public view of a user: what setUser accepts, without the emulator's bookkeeping. */
export function publicUser(user: StoredUser): DuoUser {
  const {
    username: _username,
    userKey: _userKey,
    phoneKey: _phoneKey,
    hotpKey: _hotpKey,
    hotpCounter: _hotpCounter,
    bypassCodes: _bypassCodes,
    created: _created,
    lastLogin: _lastLogin,
    ...rest
  } = user;
  return rest;
}
