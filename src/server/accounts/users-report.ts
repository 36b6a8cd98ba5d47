import type { UserView } from '../../shared/api/users.ts';
import { csvRow } from '../http/csv.ts';

/** The MFA column in words, as the Users page shows it. */
export function mfaLabel(user: Pick<UserView, 'mfaSkip' | 'mfa'>): string {
  if (user.mfaSkip) return 'Skips MFA';
  if (!user.mfa) return 'Not set up';
  return user.mfa.providerEnabled ? user.mfa.providerName : `${user.mfa.providerName} (disabled)`;
}

const CSV_COLUMNS = ['ID', 'Username', 'Display name', 'Email', 'Role', 'Status', 'MFA', 'Created', 'Last sign-in'];

/** The Users report as CSV: the columns on screen, in ISO 8601 UTC; never a password hash. */
export function usersCsv(users: UserView[]): string {
  return [
    csvRow(CSV_COLUMNS),
    ...users.map((user) =>
      csvRow([
        user.id,
        user.username,
        user.displayName,
        user.email,
        user.role,
        user.disabled ? 'Disabled' : 'Active',
        mfaLabel(user),
        user.createdAt,
        user.lastLoginAt ?? '',
      ]),
    ),
  ].join('');
}
