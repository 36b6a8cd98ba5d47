import { useState } from 'react';
import type { UserView } from '../../../../../shared/api/users.ts';
import { type ApiError, toApiError } from '../../../api/client.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';
import { plural } from '../../../lib/format.ts';

export type UserConfirmKind = 'disable' | 'enable' | 'end-sessions';

const COPY: Record<UserConfirmKind, { title: (name: string) => string; confirm: string; busy: string }> = {
  disable: { title: (name) => `Disable ${name}?`, confirm: 'Disable user', busy: 'Disabling…' },
  enable: { title: (name) => `Enable ${name}?`, confirm: 'Enable user', busy: 'Enabling…' },
  'end-sessions': {
    title: (name) => `End all sessions of ${name}?`,
    confirm: 'End sessions',
    busy: 'Ending sessions…',
  },
};

/** Disable, enable or sign out a user, after saying what happens. Resolves with the toast to show. */
export function UserConfirmDialog({
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
  const copy = COPY[kind];

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      if (kind === 'disable') {
        await endpoints.updateUser(user.id, { disabled: true });
        onDone(`${user.displayName} is disabled and signed out everywhere.`);
      } else if (kind === 'enable') {
        await endpoints.updateUser(user.id, { disabled: false });
        onDone(`${user.displayName} can sign in again.`);
      } else {
        const { sessionsEnded } = await endpoints.revokeUserSessions(user.id);
        onDone(
          sessionsEnded > 0
            ? `Ended ${plural(sessionsEnded, 'session')} of ${user.displayName}.`
            : `${user.displayName} had no active sessions.`,
        );
      }
    } catch (failure) {
      setError(toApiError(failure));
      setBusy(false);
    }
  };

  return (
    <ConfirmDialog
      title={copy.title(user.displayName)}
      confirmLabel={copy.confirm}
      busyLabel={copy.busy}
      tone={kind === 'enable' ? 'primary' : 'danger'}
      busy={busy}
      error={error}
      onConfirm={run}
      onCancel={onClose}
    >
      {kind === 'disable' && (
        <p>
          <strong>Their sessions end right away</strong>: <span className="mono">{user.username}</span> is signed out on
          every device and cannot sign in until an administrator enables the account again. Their audit history is kept.
        </p>
      )}
      {kind === 'enable' && (
        <p>
          <span className="mono">{user.username}</span> will be able to sign in again with their current password.
        </p>
      )}
      {kind === 'end-sessions' && (
        <p>
          <span className="mono">{user.username}</span> is signed out on every device and must sign in again. The
          account stays active.
        </p>
      )}
    </ConfirmDialog>
  );
}
