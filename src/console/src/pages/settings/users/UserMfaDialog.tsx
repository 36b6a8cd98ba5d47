import { useState } from 'react';
import type { UserView } from '../../../../../shared/api/users.ts';
import { type ApiError, toApiError } from '../../../api/client.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';

export type UserMfaKind = 'reset-mfa' | 'skip-mfa' | 'require-mfa';

const COPY: Record<UserMfaKind, { title: (name: string) => string; confirm: string; busy: string }> = {
  'reset-mfa': { title: (name) => `Reset MFA of ${name}?`, confirm: 'Reset MFA', busy: 'Resetting…' },
  'skip-mfa': { title: (name) => `Let ${name} skip MFA?`, confirm: 'Skip MFA', busy: 'Saving…' },
  'require-mfa': { title: (name) => `Require MFA for ${name}?`, confirm: 'Require MFA', busy: 'Saving…' },
};

/** An administrator's levers on someone's MFA: reset it (lost phone), or exempt them (break-glass). */
export function UserMfaDialog({
  kind,
  user,
  onClose,
  onDone,
}: {
  kind: UserMfaKind;
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
      if (kind === 'reset-mfa') {
        await endpoints.resetUserMfa(user.id);
        onDone(`The MFA of ${user.displayName} is reset and their sessions have ended.`);
      } else {
        await endpoints.updateUser(user.id, { mfaSkip: kind === 'skip-mfa' });
        onDone(
          kind === 'skip-mfa'
            ? `${user.displayName} now signs in without MFA.`
            : `${user.displayName} signs in with MFA again.`,
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
      tone={kind === 'require-mfa' ? 'primary' : 'danger'}
      busy={busy}
      error={error}
      onConfirm={run}
      onCancel={onClose}
    >
      {kind === 'reset-mfa' && (
        <p>
          <strong>Their sessions end right away.</strong> <span className="mono">{user.username}</span> loses their{' '}
          {user.mfa?.providerName ?? 'MFA'} setup and sets up MFA again at their next sign-in (or under My account). Use
          this when a phone is lost or replaced.
        </p>
      )}
      {kind === 'skip-mfa' && (
        <p>
          <strong>This weakens their sign-in:</strong> <span className="mono">{user.username}</span> signs in with their
          password alone, even while MFA is required for everyone. Anyone who learns that password gets in. Keep this
          for emergencies (a break-glass account) and turn it off afterwards. The change is audited.
        </p>
      )}
      {kind === 'require-mfa' && (
        <p>
          <span className="mono">{user.username}</span> signs in with MFA again
          {user.mfa ? ` (${user.mfa.providerName})` : ', setting it up at their next sign-in if MFA is required'}.
        </p>
      )}
    </ConfirmDialog>
  );
}
