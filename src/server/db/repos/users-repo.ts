import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely';
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

/** Today's MFA state of a user, as the Users page filters by it (one of three, never two at once). */
export type UserMfaState = 'configured' | 'not_configured' | 'skip';

export type UserSort = 'username' | 'displayName' | 'email' | 'role' | 'status' | 'created' | 'lastLogin';

export interface UserListQuery {
  search?: string;
  role?: Role;
  disabled?: boolean;
  mfa?: UserMfaState;
  sort?: UserSort;
  order?: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/**
 * What each sort key orders by, the same on both engines: names compared in lowercase (collations
 * differ), and "never signed in" as the oldest sign-in (SQLite and PostgreSQL place NULLs differently).
 */
const SORT_EXPRESSIONS = {
  username: sql`username`,
  displayName: sql`lower(display_name)`,
  email: sql`lower(email)`,
  role: sql`role`,
  status: sql`disabled`,
  created: sql`created_at`,
  lastLogin: sql`coalesce(last_login_at, 0)`,
} satisfies Record<UserSort, unknown>;

/**
 * The MFA-state filter, in one place so it can follow users' factors when they have several: "skip"
 * (an administrator exempted them) wins over an enrolment, because it is what decides their sign-in;
 * otherwise a user is "configured" when they set up MFA with a provider (enabled or not).
 */
function whereMfaState(state: UserMfaState) {
  return (eb: ExpressionBuilder<Database, 'users'>) => {
    // A factor with a provider (Duo, an app, a key): recovery codes alone do not make a user "set up".
    const enrolled = eb.exists(
      eb
        .selectFrom('user_factors')
        .select('user_factors.user_id')
        .whereRef('user_factors.user_id', '=', 'users.id')
        .where('user_factors.provider_id', 'is not', null),
    );
    if (state === 'skip') return eb('users.mfa_skip', '=', 1);
    return eb.and([eb('users.mfa_skip', '=', 0), state === 'configured' ? enrolled : eb.not(enrolled)]);
  };
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

    /** The account using this email address, whatever its case (addresses are compared case-insensitively). */
    async findByEmail(email: string): Promise<User | undefined> {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
        .orderBy('id')
        .executeTakeFirst();
      return row ? toUser(row) : undefined;
    },

    async count(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /**
     * Active people whose next sign-in goes through an MFA provider: everyone not exempted while MFA
     * is required, otherwise those who set up MFA with an enabled provider.
     */
    async countSigningInWithMfa(options: { mfaRequired: boolean }): Promise<number> {
      let query = db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('users.disabled', '=', 0)
        .where('users.mfa_skip', '=', 0);
      if (!options.mfaRequired)
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom('user_factors')
              .innerJoin('mfa_providers', 'mfa_providers.id', 'user_factors.provider_id')
              .select('user_factors.user_id')
              .whereRef('user_factors.user_id', '=', 'users.id')
              .where('mfa_providers.enabled', '=', 1),
          ),
        );
      return Number((await query.executeTakeFirstOrThrow()).n);
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
      if (query.mfa) base = base.where(whereMfaState(query.mfa));
      const order = query.order ?? 'asc';
      const [rows, total] = await Promise.all([
        base
          .selectAll()
          .orderBy(SORT_EXPRESSIONS[query.sort ?? 'username'], order)
          // Usernames are unique: a stable order for equal values (and pages that do not overlap).
          .orderBy('username', order)
          .offset(query.offset)
          .limit(query.limit)
          .execute(),
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
