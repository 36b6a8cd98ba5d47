import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './files.ts';
import { clientSecret, duoKey } from './random.ts';
import type { DuoUser, NewUserPolicy } from './types.ts';

export interface StoredClient {
  clientId: string;
  clientSecret: string;
  name: string;
}

export interface StoredUser extends DuoUser {
  username: string;
  /** Duo's "DU…" user key, stable for the life of the user (auth_context.user.key). */
  userKey: string;
  /** Duo's "DP…" key of the enrolled phone (auth_context.auth_device.key). */
  phoneKey?: string;
}

interface PersistedState {
  version: 1;
  newUserPolicy: NewUserPolicy;
  clients: StoredClient[];
  users: StoredUser[];
}

export const DEFAULT_PHONE = '+1 555-0100';

/** Clients, users and the New User policy: the part of Duo's admin panel the emulator has, kept in the data dir. */
export class DuoStore {
  private readonly file: string;
  private readonly clients = new Map<string, StoredClient>();
  private readonly users = new Map<string, StoredUser>();
  newUserPolicy: NewUserPolicy = 'enroll';

  constructor(dataDir: string) {
    this.file = join(dataDir, 'state.json');
    if (!existsSync(this.file)) return;
    const saved = JSON.parse(readFileSync(this.file, 'utf8')) as PersistedState;
    this.newUserPolicy = saved.newUserPolicy;
    for (const c of saved.clients) this.clients.set(c.clientId, c);
    for (const u of saved.users) this.users.set(u.username, u);
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

  registerClient(opts: { clientId?: string; clientSecret?: string; name?: string } = {}): StoredClient {
    const client: StoredClient = {
      clientId: opts.clientId ?? duoKey('DI'),
      clientSecret: opts.clientSecret ?? clientSecret(),
      name: opts.name ?? 'Portcullis',
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

  listUsers(): StoredUser[] {
    return [...this.users.values()];
  }

  /** Duo user names are case-insensitive: "Alice" signs in as the user "alice". */
  findUser(username: string): StoredUser | undefined {
    const exact = this.users.get(username);
    if (exact) return exact;
    const folded = username.toLowerCase();
    return [...this.users.values()].find((u) => u.username.toLowerCase() === folded);
  }

  setUser(username: string, patch: Partial<DuoUser>): StoredUser {
    if (!username) throw new Error('A Duo user needs a name');
    const existing = this.findUser(username);
    const merged: StoredUser = existing
      ? { ...existing, ...patch }
      : {
          username,
          userKey: duoKey('DU'),
          status: 'active',
          // A user the admin gives a phone is an enrolled user; say enrolled: false to override.
          enrolled: patch.phone !== undefined,
          ...patch,
        };
    if (merged.enrolled) {
      merged.phone ??= DEFAULT_PHONE;
      merged.phoneKey ??= duoKey('DP');
    }
    this.users.set(merged.username, merged);
    this.save();
    return merged;
  }
}

/** The public view of a user: what setUser accepts, without the emulator's bookkeeping. */
export function publicUser(user: StoredUser): DuoUser {
  const { username: _username, userKey: _userKey, phoneKey: _phoneKey, ...rest } = user;
  return rest;
}
