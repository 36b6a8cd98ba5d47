import { type ReactNode, useState } from 'react';
import type { UserView } from '../../../../../shared/api/users.ts';
import { type ApiError, toApiError } from '../../../api/client.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';
import { plural } from '../../../lib/format.ts';
import { ResetMfaDialog } from './ResetMfaDialog.tsx';

export type UserConfirmKind = 'disable' | 'enable' | 'end-sessions' | 'reset-mfa' | 'skip-mfa' | 'require-mfa';

interface ConfirmCopy {
  title: (name: string) => string;
  confirm: string;
  busy: string;
  tone: 'primary' | 'danger';
  /** What happens, said before it does. */
  body: (user: UserView) => ReactNode;
  /** Does it; resolves with the toast to show. */
  run: (user: UserView) => Promise<string>;
}

const who = (user: UserView) => <span className="mono">{user.username}</span>;

const ACTIONS: Record<Exclude<UserConfirmKind, 'reset-mfa'>, ConfirmCopy> = {
  disable: {
    title: (name) => `Disable ${name}?`,
    confirm: 'Disable user',
    busy: 'Disabling…',
    tone: 'danger',
    body: (user) => (
      <p>
        <strong>Their sessions end right away</strong>: {who(user)} is signed out on every device and cannot sign in
        until an administrator enables the account again. Their audit history is kept.
      </p>
    ),
    run: async (user) => {
      await endpoints.updateUser(user.id, { disabled: true });
      return `${user.displayName} is disabled and signed out everywhere.`;
    },
  },
  enable: {
    title: (name) => `Enable ${name}?`,
    confirm: 'Enable user',
    busy: 'Enabling…',
    tone: 'primary',
    body: (user) => <p>{who(user)} will be able to sign in again with their current password.</p>,
    run: async (user) => {
      await endpoints.updateUser(user.id, { disabled: false });
      return `${user.displayName} can sign in again.`;
    },
  },
  'end-sessions': {
    title: (name) => `End all sessions of ${name}?`,
    confirm: 'End sessions',
    busy: 'Ending sessions…',
    tone: 'danger',
    body: (user) => <p>{who(user)} is signed out on every device and must sign in again. The account stays active.</p>,
    run: async (user) => {
      const { sessionsEnded } = await endpoints.revokeUserSessions(user.id);
      return sessionsEnded > 0
        ? `Ended ${plural(sessionsEnded, 'session')} of ${user.displayName}.`
        : `${user.displayName} had no active sessions.`;
    },
  },
  // An administrator's levers on someone's MFA: reset it (lost phone: ResetMfaDialog), or exempt them (break-glass).
  'skip-mfa': {
    title: (name) => `Let ${name} skip MFA?`,
    confirm: 'Skip MFA',
    busy: 'Saving…',
    tone: 'danger',
    body: (user) => (
      <p>
        <strong>This weakens their sign-in:</strong> {who(user)} signs in with their password alone, even while MFA is
        required for everyone. Anyone who learns that password gets in. Keep this for emergencies (a break-glass
        account) and turn it off afterwards. The change is audited.
      </p>
    ),
    run: async (user) => {
      await endpoints.updateUser(user.id, { mfaSkip: true });
      return `${user.displayName} now signs in without MFA.`;
    },
  },
  'require-mfa': {
    title: (name) => `Require MFA for ${name}?`,
    confirm: 'Require MFA',
    busy: 'Saving…',
    tone: 'primary',
    body: (user) => (
      <p>
        {who(user)} signs in with MFA again
        {user.mfa ? ` (${user.mfa.providerName})` : ', setting it up at their next sign-in if MFA is required'}.
      </p>
    ),
    run: async (user) => {
      await endpoints.updateUser(user.id, { mfaSkip: false });
      return `${user.displayName} signs in with MFA again.`;
    },
  },
};

export const isUserConfirmKind = (kind: string): kind is UserConfirmKind => kind === 'reset-mfa' || kind in ACTIONS;

/** Disable, enable, sign out, or change the MFA of a user, after saying what happens. */
export function UserActionDialog({
  kind,
  user,
  onClose,
  onDone,
}: {
  kind: UserConfirmKind;
  user: UserView;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (kind === 'reset-mfa') return <ResetMfaDialog user={user} onClose={onClose} onDone={onDone} />;
  const action = ACTIONS[kind];

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      onDone(await action.run(user));
    } catch (failure) {
      setError(toApiError(failure));
      setBusy(false);
    }
  };

  return (
    <ConfirmDialog
      title={action.title(user.displayName)}
      confirmLabel={action.confirm}
      busyLabel={action.busy}
      tone={action.tone}
      busy={busy}
      error={error}
      onConfirm={run}
      onCancel={onClose}
    >
      {action.body(user)}
    </ConfirmDialog>
  );
}
