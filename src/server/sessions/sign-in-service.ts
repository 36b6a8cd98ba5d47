import type { AuditContext } from '../audit/events.ts';
import type { PasswordHasher } from '../crypto/passwords.ts';
import { hashToken } from '../crypto/tokens.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import type { AuthLevel } from '../db/repos/sessions-repo.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import { AppError } from '../errors/catalogue.ts';
import { lockDurationMs, THROTTLE, type ThrottleScope, throttleKey } from '../login/throttle-policy.ts';
import type { HealthStatus } from '../mfa/provider-type.ts';
import type { SessionService } from './session-service.ts';

export interface SessionExtras {
  purpose?: 'sign_in' | 'configure' | 'reauthenticate';
  mfa?: { providerId: number; providerName: string; factor: string | null; txid: string | null; setUp: boolean };
  bypass?: { provider: string; check: HealthStatus; cause: string | null };
}

export interface PasswordStepInput {
  username: string;
  password: string;
}

/**
 * The password step of signing in: throttling, equal work for unknown users, one generic failure, and
 * an audit record for every outcome. What comes after (a session now, or MFA first) is the caller's.
 */
export function createSignInService(deps: {
  storage: Storage;
  passwords: PasswordHasher;
  sessions: SessionService;
  clock: () => number;
}) {
  const { storage, passwords, sessions, clock } = deps;

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
            details: { username, scope, retryAfterSeconds },
          },
          context,
          now,
        );
        throw new AppError('LOGIN_THROTTLED', { retryAfterSeconds });
      }
    }
  }

  async function recordFailure(username: string, reason: string, context: AuditContext): Promise<void> {
    const now = clock();
    await storage.db.transaction().execute(async (trx) => {
      const repos = createRepos(trx);
      for (const { scope, key } of keysFor(username, context.ip)) {
        const failures = await repos.throttle.recordFailure(key, now, THROTTLE.forgetAfterMs);
        const lockMs = lockDurationMs(scope, failures);
        if (lockMs > 0) await repos.throttle.lockUntil(key, now + lockMs);
      }
      await repos.audit.record(
        { type: 'login.failed', outcome: 'failure', reason, details: { username } },
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
        await recordFailure(username, result.ok ? 'account_disabled' : 'wrong_password', context);
        throw new AppError('INVALID_CREDENTIALS');
      }
      const accountKey = throttleKey('account', username);
      if (await repos.throttle.get(accountKey)) await repos.throttle.clear(accountKey);
      if (result.needsRehash) {
        await repos.users.setPassword(user.id, await passwords.hash(input.password), user.passwordChangedAt);
      }
      return user;
    },

    /** Opens a session for a user who completed every required step, in one transaction with its audit. */
    /**
     * Opens a session for a user who completed every required step, in one transaction with what the
     * sign-in changes (MFA enrolment, last use) and its audit records.
     */
    async openSession(user: UserWithHash, authLevel: AuthLevel, context: AuditContext, extras: SessionExtras = {}) {
      const now = clock();
      const actorContext = { ...context, actor: { id: user.id, username: user.username } };
      const target = { type: 'user' as const, id: user.id, label: user.username };
      return storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const created = await sessions.create(repos, user.id, authLevel, {
          ip: context.ip,
          userAgent: context.userAgent,
          ...(extras.mfa && { mfa: { providerId: extras.mfa.providerId, factor: extras.mfa.factor } }),
        });
        await repos.users.recordLogin(user.id, now);
        const mfa = extras.mfa;
        if (mfa && (mfa.setUp || extras.purpose === 'configure')) {
          const replaced = await repos.userMfa.forUser(user.id);
          await repos.userMfa.set(user.id, mfa.providerId, now);
          await repos.audit.record(
            {
              type: 'user.mfa_configured',
              outcome: 'success',
              target,
              details: {
                provider: mfa.providerName,
                replaced: replaced && replaced.providerId !== mfa.providerId ? replaced.providerName : null,
                factor: mfa.factor,
                txid: mfa.txid,
              },
            },
            actorContext,
            now,
          );
        } else if (mfa) {
          await repos.userMfa.touch(user.id, now);
        }
        if (extras.bypass) {
          await repos.audit.record(
            { type: 'login.mfa_bypassed', outcome: 'success', reason: 'fail_open', target, details: extras.bypass },
            actorContext,
            now,
          );
        }
        await repos.audit.record(
          {
            type: 'login.succeeded',
            outcome: 'success',
            target,
            details: {
              authLevel,
              ...(extras.purpose && extras.purpose !== 'sign_in' && { purpose: extras.purpose }),
              ...(mfa && { provider: mfa.providerName, factor: mfa.factor, txid: mfa.txid, enrolled: mfa.setUp }),
            },
          },
          actorContext,
          now,
        );
        return created;
      });
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
