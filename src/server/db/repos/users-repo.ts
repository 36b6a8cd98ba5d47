import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from '../schema.ts';
import { userSearchCondition } from './user-search.ts';

export type Role = 'administrator' | 'user';

export interface User {
  id: number;
  username: string;
  displayName: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
  passwordChangedAt: number;
  mfaSkip: boolean;
}

export interface UserWithHash extends User {
  passwordHash: string;
}

export interface UserListQuery {
  search?: string;
  role?: Role;
  disabled?: boolean;
  offset: number;
  limit: number;
}

export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: Number(row.id),
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    disabled: Boolean(row.disabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
    passwordChangedAt: row.password_changed_at,
    mfaSkip: Boolean(row.mfa_skip),
  };
}

export function createUsersRepo(db: Kysely<Database>) {
  return {
    async findByUsername(username: string): Promise<UserWithHash | undefined> {
      const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      return row ? { ...toUser(row), passwordHash: row.password_hash } : undefined;
    },

    async findById(id: number): Promise<UserWithHash | undefined> {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? { ...toUser(row), passwordHash: row.password_hash } : undefined;
    },

    async count(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async countActiveAdministrators(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'administrator')
        .where('disabled', '=', 0)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async list(query: UserListQuery): Promise<{ items: User[]; total: number }> {
      let base = db.selectFrom('users');
      if (query.search?.trim()) base = base.where(userSearchCondition(db, query.search));
      if (query.role) base = base.where('role', '=', query.role);
      if (query.disabled !== undefined) base = base.where('disabled', '=', query.disabled ? 1 : 0);
      const [rows, total] = await Promise.all([
        base.selectAll().orderBy('username').offset(query.offset).limit(query.limit).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toUser), total: Number(total.n) };
    },

    async insert(user: Omit<User, 'id' | 'lastLoginAt' | 'mfaSkip'> & { passwordHash: string }): Promise<number> {
      const row = await db
        .insertInto('users')
        .values({
          username: user.username,
          display_name: user.displayName,
          email: user.email,
          role: user.role,
          disabled: user.disabled ? 1 : 0,
          password_hash: user.passwordHash,
          password_changed_at: user.passwordChangedAt,
          created_at: user.createdAt,
          updated_at: user.updatedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async update(
      id: number,
      patch: Partial<Pick<User, 'displayName' | 'email' | 'role' | 'disabled' | 'mfaSkip'>> & { updatedAt: number },
    ): Promise<void> {
      await db
        .updateTable('users')
        .set({
          ...(patch.displayName !== undefined && { display_name: patch.displayName }),
          ...(patch.email !== undefined && { email: patch.email }),
          ...(patch.role !== undefined && { role: patch.role }),
          ...(patch.disabled !== undefined && { disabled: patch.disabled ? 1 : 0 }),
          ...(patch.mfaSkip !== undefined && { mfa_skip: patch.mfaSkip ? 1 : 0 }),
          updated_at: patch.updatedAt,
        })
        .where('id', '=', id)
        .execute();
    },

    async setPassword(id: number, passwordHash: string, at: number): Promise<void> {
      await db
        .updateTable('users')
        .set({ password_hash: passwordHash, password_changed_at: at, updated_at: at })
        .where('id', '=', id)
        .execute();
    },

    async recordLogin(id: number, at: number): Promise<void> {
      await db.updateTable('users').set({ last_login_at: at }).where('id', '=', id).execute();
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
