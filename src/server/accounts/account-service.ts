import type { AuditContext } from '../audit/events.ts';
import type { PasswordHasher } from '../crypto/passwords.ts';
import { hashToken } from '../crypto/tokens.ts';
import type { Storage } from '../db/database.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import type { Role, User, UserListQuery } from '../db/repos/users-repo.ts';
import { AppError, fieldError } from '../errors/catalogue.ts';
import { mfaSummaries } from '../mfa/factors/mfa-summary.ts';
import type { PasswordStep } from '../sign-in/password-step.ts';
import { checkPasswordStrength } from './password-policy.ts';

export interface NewUser {
  username: string;
  displayName: string;
  email: string;
  role: Role;
  password: string;
}

export interface UserPatch {
  displayName?: string | undefined;
  email?: string | undefined;
  role?: Role | undefined;
  disabled?: boolean | undefined;
  mfaSkip?: boolean | undefined;
}

type CreatedBy = 'setup' | 'console' | 'cli';

/**
 * Account changes. Each one is a single transaction that includes its audit record, so a failed save
 * leaves both the old state and the log untouched. Passwords are hashed before the transaction opens:
 * a 20 ms hash must not hold a database lock.
 */
export function createAccountService(deps: {
  storage: Storage;
  passwords: PasswordHasher;
  passwordStep: PasswordStep;
  clock: () => number;
}) {
  const { storage, passwords, clock } = deps;

  async function hashChecked(password: string, username: string): Promise<string> {
    const problem = checkPasswordStrength(password, username);
    if (problem) throw fieldError('password', problem);
    return passwords.hash(password);
  }

  /**
   * One email address, one account (compared case-insensitively): two accounts sharing an address
   * would be one Duo user when a provider sends the email as the username, so either could approve
   * the other's sign-in.
   */
  async function refuseTakenEmail(repos: Repos, email: string, exceptId?: number): Promise<void> {
    const existing = await repos.users.findByEmail(email);
    if (existing && existing.id !== exceptId)
      throw new AppError('EMAIL_TAKEN', {
        fields: { email: `${existing.email} is already the email address of "${existing.username}". Use another one.` },
      });
  }

  async function insertUser(
    repos: Repos,
    user: NewUser,
    passwordHash: string,
    context: AuditContext,
    by: CreatedBy,
  ): Promise<User> {
    await refuseTakenEmail(repos, user.email);
    const now = clock();
    let id: number;
    try {
      id = await repos.users.insert({
        username: user.username,
        displayName: user.displayName,
        email: user.email,
        role: user.role,
        disabled: false,
        passwordHash,
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('USERNAME_TAKEN', {
          fields: { username: 'That username is already taken. Choose another.' },
        });
      throw error;
    }
    await repos.audit.record(
      {
        type: 'user.created',
        outcome: 'success',
        target: { type: 'user', id, label: user.username },
        details: { username: user.username, role: user.role, email: user.email, by },
      },
      context,
      now,
    );
    const created = await repos.users.findById(id);
    if (!created) throw new Error('user vanished after insert');
    const { passwordHash: _hash, ...view } = created;
    return view;
  }

  async function loadUser(repos: Repos, id: number) {
    const user = await repos.users.findById(id);
    if (!user) throw new AppError('USER_NOT_FOUND');
    return user;
  }

  return {
    async listUsers(query: UserListQuery) {
      return createRepos(storage.db).users.list(query);
    },

    /** The MFA each of these users set up (for the Users page and My account). */
    async mfaOf(userIds: number[]) {
      return mfaSummaries(createRepos(storage.db), userIds);
    },

    async getUser(id: number): Promise<User> {
      const { passwordHash: _hash, ...user } = await loadUser(createRepos(storage.db), id);
      return user;
    },

    async hasUsers(): Promise<boolean> {
      return (await createRepos(storage.db).users.count()) > 0;
    },

    async createUser(user: NewUser, context: AuditContext, by: CreatedBy): Promise<User> {
      const passwordHash = await hashChecked(user.password, user.username);
      return storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        await repos.setupTokens.deleteAll(); // someone can sign in now: an outstanding setup link is moot
        return insertUser(repos, user, passwordHash, context, by);
      });
    },

    /** First administrator, with the one-time setup token printed at start-up. The token dies with the first use. */
    async completeSetup(token: string, user: Omit<NewUser, 'role'>, context: AuditContext): Promise<User> {
      const passwordHash = await hashChecked(user.password, user.username);
      return storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        if ((await repos.users.count()) > 0) throw new AppError('SETUP_COMPLETE');
        if (!(await repos.setupTokens.consume(hashToken(token), clock()))) throw new AppError('SETUP_LINK_INVALID');
        await repos.setupTokens.deleteAll();
        const created = await insertUser(repos, { ...user, role: 'administrator' }, passwordHash, context, 'setup');
        await repos.audit.record(
          {
            type: 'setup.completed',
            outcome: 'success',
            target: { type: 'user', id: created.id, label: created.username },
            details: { username: created.username },
          },
          context,
          clock(),
        );
        return created;
      });
    },

    async updateUser(id: number, patch: UserPatch, context: AuditContext): Promise<User> {
      return storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const before = await loadUser(repos, id);
        const now = clock();
        const demoting = patch.role === 'user' && before.role === 'administrator';
        const disabling = patch.disabled === true && !before.disabled;
        // Nobody weakens their own account: no self-demotion, self-disabling, or exempting oneself from MFA.
        const exemptingSelf = patch.mfaSkip === true && !before.mfaSkip;
        if ((demoting || disabling || exemptingSelf) && context.actor?.id === id)
          throw new AppError('CANNOT_CHANGE_OWN_ACCOUNT');
        if ((demoting || disabling) && before.role === 'administrator' && !before.disabled) {
          if ((await repos.users.countActiveAdministrators()) <= 1) throw new AppError('LAST_ADMINISTRATOR');
        }
        if (patch.email !== undefined && patch.email.toLowerCase() !== before.email.toLowerCase())
          await refuseTakenEmail(repos, patch.email, id);
        await repos.users.update(id, { ...patch, updatedAt: now });

        const changes: Record<string, { from: string | boolean; to: string | boolean }> = {};
        for (const field of ['displayName', 'email', 'role', 'mfaSkip'] as const) {
          const value = patch[field];
          if (value !== undefined && value !== before[field]) changes[field] = { from: before[field], to: value };
        }
        const target = { type: 'user' as const, id, label: before.username };
        if (Object.keys(changes).length > 0) {
          await repos.audit.record(
            { type: 'user.updated', outcome: 'success', target, details: { changes } },
            context,
            now,
          );
        }
        if (disabling) {
          // Disabling ends every session at once (ASVS 7.4.2), in the same transaction.
          const sessionsEnded = await repos.sessions.deleteForUser(id);
          await repos.audit.record(
            { type: 'user.disabled', outcome: 'success', target, details: { sessionsEnded } },
            context,
            now,
          );
        } else if (patch.disabled === false && before.disabled) {
          await repos.audit.record({ type: 'user.enabled', outcome: 'success', target, details: {} }, context, now);
        }
        const { passwordHash: _hash, ...after } = await loadUser(repos, id);
        return after;
      });
    },

    /** An administrator sets a new password; the user's sessions end (they may be an attacker's). */
    async resetPassword(id: number, password: string, context: AuditContext, by: 'console' | 'cli'): Promise<void> {
      const user = await loadUser(createRepos(storage.db), id);
      const passwordHash = await hashChecked(password, user.username);
      await storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const now = clock();
        await repos.users.setPassword(id, passwordHash, now);
        const sessionsEnded = await repos.sessions.deleteForUser(id);
        await repos.audit.record(
          {
            type: 'user.password_reset',
            outcome: 'success',
            target: { type: 'user', id, label: user.username },
            details: { sessionsEnded, by },
          },
          context,
          now,
        );
      });
    },

    async changeOwnPassword(
      userId: number,
      input: { currentPassword: string; newPassword: string; endOtherSessions: boolean },
      currentSessionIdHash: string,
      context: AuditContext,
    ): Promise<{ otherSessionsEnded: number }> {
      const user = await loadUser(createRepos(storage.db), userId);
      await deps.passwordStep.verifyCurrentPassword(user, input.currentPassword, context);
      if (input.newPassword === input.currentPassword)
        throw fieldError('newPassword', 'Choose a password different from the current one.');
      const problem = checkPasswordStrength(input.newPassword, user.username);
      if (problem) throw fieldError('newPassword', problem);
      const passwordHash = await passwords.hash(input.newPassword);
      return storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const now = clock();
        await repos.users.setPassword(userId, passwordHash, now);
        const otherSessionsEnded = input.endOtherSessions
          ? await repos.sessions.deleteForUser(userId, currentSessionIdHash)
          : 0;
        await repos.audit.record(
          {
            type: 'user.password_changed',
            outcome: 'success',
            target: { type: 'user', id: userId, label: user.username },
            details: { otherSessionsEnded },
          },
          context,
          now,
        );
        return { otherSessionsEnded };
      });
    },

    async revokeSessions(id: number, context: AuditContext, exceptIdHash?: string): Promise<number> {
      return storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const user = await loadUser(repos, id);
        const sessionsEnded = await repos.sessions.deleteForUser(id, exceptIdHash);
        await repos.audit.record(
          {
            type: 'user.sessions_revoked',
            outcome: 'success',
            target: { type: 'user', id, label: user.username },
            details: { sessionsEnded },
          },
          context,
          clock(),
        );
        return sessionsEnded;
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
