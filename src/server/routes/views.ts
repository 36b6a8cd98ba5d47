import type { UserView } from '../../shared/api/users.ts';
import type { UserMfa } from '../db/repos/user-mfa-repo.ts';
import type { User } from '../db/repos/users-repo.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** The allow-listed public shape of a user (never the password hash). */
export function userView(user: User, mfa: UserMfa | null = null): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    role: user.role,
    disabled: user.disabled,
    createdAt: iso(user.createdAt),
    lastLoginAt: user.lastLoginAt === null ? null : iso(user.lastLoginAt),
    mfaSkip: user.mfaSkip,
    mfa: mfa
      ? {
          providerId: mfa.providerId,
          providerName: mfa.providerName,
          providerEnabled: mfa.providerEnabled,
          configuredAt: iso(mfa.configuredAt),
          lastUsedAt: mfa.lastUsedAt === null ? null : iso(mfa.lastUsedAt),
        }
      : null,
  };
}

export { iso };
