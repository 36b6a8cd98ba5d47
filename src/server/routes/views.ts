import type { UserView } from '../../shared/api/users.ts';
import type { User } from '../db/repos/users-repo.ts';
import { isoTime, isoTimeOrNull } from '../iso-time.ts';
import type { UserMfaSummary } from '../mfa/factors/mfa-summary.ts';

/** The MFA a user set up, as the Users page and My account show it. */
export function userMfaView(mfa: UserMfaSummary): NonNullable<UserView['mfa']> {
  return {
    providerId: mfa.providerId,
    providerName: mfa.providerName,
    providerEnabled: mfa.providerEnabled,
    configuredAt: isoTime(mfa.configuredAt),
    lastUsedAt: isoTimeOrNull(mfa.lastUsedAt),
    factorCount: mfa.factorCount,
    methods: mfa.methods,
  };
}

/** The allow-listed public shape of a user (never the password hash). */
export function userView(user: User, mfa: UserMfaSummary | null = null): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    role: user.role,
    disabled: user.disabled,
    createdAt: isoTime(user.createdAt),
    lastLoginAt: isoTimeOrNull(user.lastLoginAt),
    mfaSkip: user.mfaSkip,
    mfa: mfa ? userMfaView(mfa) : null,
  };
}
