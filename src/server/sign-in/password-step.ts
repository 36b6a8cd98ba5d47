import type { AuditContext } from '../audit/events.ts';
import type { PasswordHasher } from '../crypto/passwords.ts';
import { hashToken } from '../crypto/tokens.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import { AppError } from '../errors/catalogue.ts';
import { lockDurationMs, THROTTLE, type ThrottleScope, throttleKey } from '../login/throttle-policy.ts';

export interface PasswordStepInput {
  username: string;
  password: string;
}

/**
 * The password step of signing in: throttling, equal work for unknown users, one generic failure, and
 * an audit record for every outcome. What comes after (a session now, or MFA first) is the core's.
 */
export function createPasswordStep(deps: { storage: Storage; passwords: PasswordHasher; clock: () => number }) {
  const { storage, passwords, clock } = deps;

  function keysFor(username: string, ip: string | null): Array<{ scope: ThrottleScope; key: string }> {
    const keys: Array<{ scope: ThrottleScope; key: string }> = [
      { scope: 'account', key: throttleKey('account', username) },
    ];
    if (ip) keys.push({ scope: 'address', key: throttleKey('address', ip) });
    return keys;
  }

  async function refuseIfLocked(username: string, context: AuditContext): Promise<void> {
    const repos = createRepos(storage.db);
    const now = clock();
    for (const { scope, key } of keysFor(username, context.ip)) {
      const state = await repos.throttle.get(key);
      if (state?.lockedUntil && state.lockedUntil > now) {
        const retryAfterSeconds = Math.ceil((state.lockedUntil - now) / 1000);
        await repos.audit.record(
          {
            type: 'login.throttled',
            outcome: 'failure',
            reason: `${scope}_locked`,
            target: { type: 'user', id: username, label: username },
            details: { username, scope, retryAfterSeconds },
          },
          context,
          now,
        );
        throw new AppError('LOGIN_THROTTLED', { retryAfterSeconds });
      }
    }
  }

  async function recordFailure(
    username: string,
    reason: string,
    context: AuditContext,
    user?: { id: number; username: string },
  ): Promise<void> {
    const now = clock();
    await storage.db.transaction().execute(async (trx) => {
      const repos = createRepos(trx);
      for (const { scope, key } of keysFor(username, context.ip)) {
        const failures = await repos.throttle.recordFailure(key, now, THROTTLE.forgetAfterMs);
        const lockMs = lockDurationMs(scope, failures);
        if (lockMs > 0) await repos.throttle.lockUntil(key, now + lockMs);
      }
      // The account tried is the target (a known user by id), so "Target" filters and the Attention card find it.
      await repos.audit.record(
        {
          type: 'login.failed',
          outcome: 'failure',
          reason,
          target: { type: 'user', id: user?.id ?? username, label: username },
          details: { username },
        },
        context,
        now,
      );
    });
  }

  return {
    /** Ends the session on the server (the cookie alone is worthless afterwards), with its audit record. */
    async signOut(token: string, context: AuditContext): Promise<void> {
      await storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        await repos.sessions.delete(hashToken(token));
        await repos.audit.record({ type: 'session.signed_out', outcome: 'success', details: {} }, context, clock());
      });
    },

    /** Returns the user whose password matched, or throws INVALID_CREDENTIALS / LOGIN_THROTTLED. */
    async verifyPassword(input: PasswordStepInput, context: AuditContext): Promise<UserWithHash> {
      const username = input.username.trim().toLowerCase();
      await refuseIfLocked(username, context);
      const repos = createRepos(storage.db);
      const user = await repos.users.findByUsername(username);
      if (!user) {
        await passwords.verifyDummy(input.password);
        await recordFailure(username, 'unknown_user', context);
        throw new AppError('INVALID_CREDENTIALS');
      }
      const result = await passwords.verify(user.passwordHash, input.password);
      if (!result.ok || user.disabled) {
        await recordFailure(username, result.ok ? 'account_disabled' : 'wrong_password', context, user);
        throw new AppError('INVALID_CREDENTIALS');
      }
      const accountKey = throttleKey('account', username);
      if (await repos.throttle.get(accountKey)) await repos.throttle.clear(accountKey);
      if (result.needsRehash) {
        await repos.users.setPassword(user.id, await passwords.hash(input.password), user.passwordChangedAt);
      }
      return user;
    },
  };
}

export type PasswordStep = ReturnType<typeof createPasswordStep>;
