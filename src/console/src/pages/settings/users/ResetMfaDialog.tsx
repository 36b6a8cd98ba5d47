import { useState } from 'react';
import type { ResetMfaResponse, UserView } from '../../../../../shared/api/users.ts';
import { type ApiError, toApiError } from '../../../api/client.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { useQuery } from '../../../api/use-query.ts';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';
import { CheckboxField } from '../../../components/Field.tsx';
import { Notice } from '../../../components/Notice.tsx';
import { SkeletonLines } from '../../../components/Skeleton.tsx';

function removedText(result: ResetMfaResponse): string {
  return result.devicesRemoved
    .map((each) =>
      each.devices.length > 0
        ? `Removed in ${each.provider}: ${each.devices.map((device) => device.description).join(', ')}.`
        : each.known
          ? `${each.provider} held no phone for ${each.subject}.`
          : `${each.provider} does not know ${each.subject}: nothing to remove.`,
    )
    .join(' ');
}

/**
 * Settings › Users › Reset MFA (issue 13 item 3): Portcullis forgets the user's methods; a provider
 * still holds their devices (Duo: the lost phone). With the Duo Admin API the administrator may tick
 * "also remove them"; without it, the dialog says what to do in Duo's Admin Panel.
 */
export function ResetMfaDialog({
  user,
  onClose,
  onDone,
}: {
  user: UserView;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const preview = useQuery(`reset-preview:${user.id}`, () => endpoints.resetMfaPreview(user.id));
  const [removeDevices, setRemoveDevices] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const providers = preview.data?.providers ?? [];
  const removable = providers.filter((provider) => provider.removable);
  const manual = providers.filter((provider) => !provider.removable || !removeDevices);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const reset = `The MFA of ${user.displayName} is reset and their sessions have ended.`;
      if (removeDevices) onDone(`${reset} ${removedText(await endpoints.resetUserMfaRemovingDevices(user.id))}`);
      else {
        await endpoints.resetUserMfa(user.id);
        onDone(reset);
      }
    } catch (failure) {
      setError(toApiError(failure));
      setBusy(false);
    }
  };

  return (
    <ConfirmDialog
      title={`Reset MFA of ${user.displayName}?`}
      confirmLabel={removeDevices ? 'Reset MFA and remove phones' : 'Reset MFA'}
      busyLabel={removeDevices ? 'Removing phones…' : 'Resetting…'}
      tone="danger"
      busy={busy}
      error={error}
      onConfirm={run}
      onCancel={onClose}
    >
      <div className="form-stack">
        <p>
          <strong>Their sessions end right away.</strong> <span className="mono">{user.username}</span> loses their{' '}
          {user.mfa?.providerName ?? 'MFA'} setup and sets up MFA again at their next sign-in (or under My account). Use
          this when a phone is lost or replaced.
        </p>
        {preview.loading && !preview.data && <SkeletonLines lines={2} />}
        {removable.length > 0 && (
          <CheckboxField
            label={
              removable.length === 1
                ? `Also remove the ${removable[0]?.noun} of “${removable[0]?.subject}” in ${removable[0]?.name}`
                : `Also remove their devices in ${removable.map((provider) => provider.name).join(', ')}`
            }
            name="removeDevices"
            checked={removeDevices}
            onChange={setRemoveDevices}
            hint="Through the Duo Admin API, before anything is reset: no push, call or passcode reaches a lost phone any more, and they add a phone at their next sign-in. If Duo cannot do it, nothing is reset."
          />
        )}
        {manual.map((provider) => (
          <Notice key={provider.id} tone="warning" title={`${provider.name} still holds their ${provider.noun}`}>
            <p>
              {provider.removable
                ? 'Unless you tick the box above, they stay there'
                : 'Portcullis cannot remove them: this provider does not use the Duo Admin API'}
              , so a lost phone could still approve a sign-in. What to do there:
            </p>
            <ol className="help-steps">
              {provider.manualSteps.map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
          </Notice>
        ))}
        {preview.error && (
          <p className="field-hint">Could not check the user's devices at their providers: {preview.error.message}</p>
        )}
      </div>
    </ConfirmDialog>
  );
}
