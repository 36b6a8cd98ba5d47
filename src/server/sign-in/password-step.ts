import type { AuditContext } from '../audit/events.ts';
import type { PasswordHasher } from '../crypto/passwords.ts';
import { hashToken } from '../crypto/tokens.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import { AppError } from '../errors/catalogue.ts';
import { lockDurationMs, THROTTLE, type ThrottleScope, throttleKey } from '../login/throttle-policy.ts';
import type { DeviceCookies } from './device-cookie.ts';

export interface PasswordStepInput {
  username: string;
  password: string;
  /** The browser's device cookie, if any (issue 12: legitimate users keep signing in during a flood). */
  deviceCookie?: string | undefined;
}

type Throttled = { scope: ThrottleScope; key: string };

/**
 * The password step of signing in: throttling, equal work for unknown users, one generic failure, and
 * an audit record for every outcome. What comes after (a session now, or MFA first) is the core's.
 */
export function createPasswordStep(deps: {
  storage: Storage;
  passwords: PasswordHasher;
  devices: DeviceCookies;
  clock: () => number;
}) {
  const { storage, passwords, clock } = deps;

  /**
   * Whose counters a failure moves and whose locks are checked: a known device (a valid device cookie
   * for this user, not itself locked) answers for itself only; anyone else for the account and address.
   */
  function keysFor(username: string, ip: string | null, deviceId: string | null): Throttled[] {
    if (deviceId) return [{ scope: 'device', key: throttleKey('device', deviceId) }];
    const keys: Throttled[] = [{ scope: 'account', key: throttleKey('account', username) }];
    if (ip) keys.push({ scope: 'address', key: throttleKey('address', ip) });
    return keys;
  }

  /** The device id of a genuine device cookie for this user, unless that device spent its own budget. */
  async function knownDevice(cookie: string | undefined, username: string): Promise<string | null> {
    const deviceId = deps.devices.verify(cookie, username);
    if (!deviceId) return null;
    const state = await createRepos(storage.db).throttle.get(throttleKey('device', deviceId));
    return state?.lockedUntil && state.lockedUntil > clock() ? null : deviceId;
  }

  async function refuseIfLocked(
    username: string,
    keys: Throttled[],
    context: AuditContext,
    code: 'LOGIN_THROTTLED' | 'PASSWORD_CHECK_THROTTLED' = 'LOGIN_THROTTLED',
  ): Promise<void> {
    const repos = createRepos(storage.db);
    const now = clock();
    for (const { scope, key } of keys) {
      const state = await repos.throttle.get(key);
      if (state?.lockedUntil && state.lockedUntil > now) {
        const retryAfterSeconds = Math.ceil((state.lockedUntil - now) / 1000);
        // One record per lock window, not one per refused request (a flood would write thousands).
        if (await repos.throttle.claimLockAudit(key, state.lockedUntil)) {
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
        }
        throw new AppError(code, { retryAfterSeconds });
      }
    }
  }

  async function recordFailure(
    username: string,
    reason: string,
    keys: Throttled[],
    context: AuditContext,
    user?: { id: number; username: string },
    purpose: 'sign_in' | 'password_change' = 'sign_in',
  ): Promise<void> {
    const now = clock();
    await storage.db.transaction().execute(async (trx) => {
      const repos = createRepos(trx);
      for (const { scope, key } of keys) {
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
          details: { username, ...(purpose !== 'sign_in' && { purpose }) },
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
      const deviceId = await knownDevice(input.deviceCookie, username);
      const keys = keysFor(username, context.ip, deviceId);
      await refuseIfLocked(username, keys, context);
      // Known devices wait in their own, first-served queue for the hashing slots.
      const lane = deviceId ? 'known' : 'anonymous';
      const repos = createRepos(storage.db);
      const user = await repos.users.findByUsername(username);
      if (!user) {
        await passwords.verifyDummy(input.password, lane);
        await recordFailure(username, 'unknown_user', keys, context);
        throw new AppError('INVALID_CREDENTIALS');
      }
      const result = await passwords.verify(user.passwordHash, input.password, lane);
      if (!result.ok || user.disabled) {
        await recordFailure(username, result.ok ? 'account_disabled' : 'wrong_password', keys, context, user);
        throw new AppError('INVALID_CREDENTIALS');
      }
      const ownKey = keys[0]?.key ?? throttleKey('account', username);
      if (await repos.throttle.get(ownKey)) await repos.throttle.clear(ownKey);
      if (result.needsRehash) {
        await repos.users.setPassword(user.id, await passwords.hash(input.password), user.passwordChangedAt);
      }
      return user;
    },

    /**
     * A signed-in user's current password, checked before it is changed (issue 12, finding 1: a stolen
     * session must not guess it at hash speed): the same account and address locks, the same audit
     * record and the same hashing queue as a sign-in, so a loop on it is throttled like a password spray.
     */
    async verifyCurrentPassword(user: UserWithHash, password: string, context: AuditContext): Promise<void> {
      const keys = keysFor(user.username, context.ip, null);
      await refuseIfLocked(user.username, keys, context, 'PASSWORD_CHECK_THROTTLED');
      const result = await passwords.verify(user.passwordHash, password, 'anonymous');
      if (!result.ok) {
        await recordFailure(user.username, 'wrong_password', keys, context, user, 'password_change');
        throw new AppError('CURRENT_PASSWORD_WRONG', {
          fields: { currentPassword: 'Your current password is not correct.' },
        });
      }
    },
  };
}

export type PasswordStep = ReturnType<typeof createPasswordStep>;
