import type { ApplicationUrlPreview } from '../../../../../shared/api/mfa.ts';
import type { ApiError } from '../../../api/client.ts';
import { Button } from '../../../components/Button.tsx';
import { Dialog } from '../../../components/Dialog.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { Notice } from '../../../components/Notice.tsx';
import { plural } from '../../../lib/format.ts';
import { DiagnosticsList } from './DiagnosticsCard.tsx';

function Impact({ preview }: { preview: ApplicationUrlPreview }) {
  if (preview.providers.length === 0)
    return <p>No MFA provider is enabled yet, so nobody signs in through Duo's callbacks: nothing else changes.</p>;
  const names = preview.providers.map((provider) => provider.name).join(', ');
  return (
    <p>
      Duo sends users back to the new address for <strong>{names}</strong>.{' '}
      <strong>{plural(preview.affectedUsers, 'person', 'people')}</strong>{' '}
      {preview.affectedUsers === 1 ? 'signs' : 'sign'} in through {preview.providers.length === 1 ? 'it' : 'them'}
      {preview.mfaRequired ? ' (MFA is required for everyone)' : ''}: if the new address does not reach this portal,
      each of those sign-ins ends at a browser error, and sign-ins already on their way through Duo fail.
    </p>
  );
}

/** What did not pass, in full (with its fix); what passed, in one line. */
function ChecksFound({ preview }: { preview: ApplicationUrlPreview }) {
  const problems = preview.checks.filter((check) => check.status !== 'pass');
  const passed = preview.checks.filter((check) => check.status === 'pass').map((check) => check.label);
  return (
    <div className="form-stack form-stack-tight">
      {problems.length > 0 && <DiagnosticsList checks={problems} label="Checks of the new address" />}
      {passed.length > 0 && (
        <p className="muted">
          {problems.length > 0 ? 'Passed: ' : 'Every check passed: '}
          {passed.join(', ')}.
        </p>
      )}
    </div>
  );
}

/**
 * Issue 13.2: before the Application URL changes, what the diagnostics found for the new value and
 * what the change would break. Refused outright while MFA is required and the address would not
 * work; otherwise confirmed with the number of people affected.
 */
export function ApplicationUrlChangeDialog({
  preview,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  preview: ApplicationUrlPreview;
  busy: boolean;
  error: ApiError | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmLabel = preview.usable
    ? `Change it for ${plural(preview.affectedUsers, 'person', 'people')}`
    : 'Change it anyway';
  return (
    <Dialog
      title="Change the Application URL?"
      description={
        <>
          From <span className="mono">{preview.current ?? '(not set)'}</span> to{' '}
          <span className="mono">{preview.applicationUrl}</span>.
        </>
      }
      onClose={onCancel}
      dismissible={!busy}
      footer={
        <>
          <Button onClick={onCancel} disabled={busy} data-autofocus>
            {preview.refused ? 'Keep the current address' : 'Cancel'}
          </Button>
          {!preview.refused && (
            <Button variant={preview.usable ? 'primary' : 'danger'} onClick={onConfirm} busy={busy} busyText="Saving…">
              {confirmLabel}
            </Button>
          )}
        </>
      }
    >
      <FormError error={error} />
      {preview.refused ? (
        <Notice tone="danger" title="This address would not work, and MFA is required">
          Every sign-in would end at a browser error. Fix what the checks below report (the DNS name, the certificate),
          or turn off the requirement under MFA › Policy first.
        </Notice>
      ) : (
        !preview.usable && (
          <Notice tone="warning" title="The checks say this address would not work">
            People who sign in with MFA could not come back from Duo until it is fixed.
          </Notice>
        )
      )}
      <div className="dialog-text">
        <Impact preview={preview} />
      </div>
      <ChecksFound preview={preview} />
    </Dialog>
  );
}
