import { useEffect, useState } from 'react';
import type { HealthResultView, ProviderView } from '../../../../../../shared/api/providers.ts';
import { type ApiError, toApiError } from '../../../../api/client.ts';
import { mfaEndpoints } from '../../../../api/mfa-endpoints.ts';
import { Button, ButtonLink } from '../../../../components/Button.tsx';
import { Dialog } from '../../../../components/Dialog.tsx';
import { FormError } from '../../../../components/FormError.tsx';
import { LoadingPanel } from '../../../../components/Spinner.tsx';
import { plural } from '../../../../lib/format.ts';
import { AffectedUsersList } from './AffectedUsersList.tsx';
import { type Affected, affectedFrom, checkFrom } from './affected-users.ts';
import { CheckResult, ManagedByCodeNotice } from './provider-badges.tsx';
import { providerPath } from './provider-columns.tsx';

export type ProviderChange = 'enable' | 'disable' | 'delete';

const CONSEQUENCE: Record<ProviderChange, string> = {
  enable: '',
  disable: 'While it is disabled they cannot sign in: their second step is unavailable until it is enabled again.',
  delete: 'They lose their MFA and must set it up again (with another provider) at their next sign-in.',
};

/**
 * Enable, disable or delete a provider after saying what happens. Disabling and deleting first show
 * who signs in with it and confirm with that number; enabling checks the connection with Duo first.
 */
export function ProviderActionDialog({
  change,
  provider,
  onClose,
  onDone,
}: {
  change: ProviderChange;
  provider: ProviderView;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const [affected, setAffected] = useState<Affected | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [check, setCheck] = useState<HealthResultView | null>(null);
  const needsDependents = change !== 'enable';

  useEffect(() => {
    if (!needsDependents) return;
    mfaEndpoints.dependents(provider.id).then(setAffected, (failure: unknown) => setError(toApiError(failure)));
  }, [needsDependents, provider.id]);

  const unreachable = check?.status === 'unreachable';
  const refused = check !== null && !unreachable;

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      if (change === 'enable') {
        const result = await mfaEndpoints.updateProvider(provider.id, {
          enabled: true,
          ...(unreachable && { saveAnyway: true }),
        });
        onDone(
          result.check?.status === 'ok'
            ? `${provider.name} is enabled. ${result.check.message}`
            : `${provider.name} is enabled without a passing connection check.`,
        );
      } else if (change === 'disable') {
        await mfaEndpoints.updateProvider(provider.id, { enabled: false, confirmAffectedUsers: affected?.total ?? 0 });
        onDone(`${provider.name} is disabled.`);
      } else {
        await mfaEndpoints.deleteProvider(provider.id, affected?.total ?? 0);
        onDone(`${provider.name} is deleted.`);
      }
    } catch (failure) {
      const apiError = toApiError(failure);
      const nowAffected = affectedFrom(apiError);
      if (nowAffected) setAffected(nowAffected);
      setCheck(checkFrom(apiError));
      setError(apiError);
      setBusy(false);
    }
  };

  const title = { enable: 'Enable', disable: 'Disable', delete: 'Delete' }[change];
  const count = affected?.total ?? 0;
  const confirmLabel =
    change === 'enable'
      ? unreachable
        ? 'Enable anyway'
        : 'Enable provider'
      : count > 0
        ? `${title} and affect ${plural(count, 'user')}`
        : `${title} provider`;
  const loading = needsDependents && affected === null && !error;

  return (
    <Dialog
      title={`${title} ${provider.name}?`}
      size="sm"
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <Button onClick={onClose} disabled={busy} data-autofocus>
            Cancel
          </Button>
          {refused ? (
            <ButtonLink to={providerPath(provider)} variant="primary" icon="pencil">
              Edit settings
            </ButtonLink>
          ) : (
            <Button
              variant={change === 'enable' ? 'primary' : 'danger'}
              onClick={run}
              busy={busy}
              disabled={loading || (needsDependents && affected === null)}
              busyText={change === 'enable' ? 'Checking the connection with Duo…' : 'Working…'}
            >
              {confirmLabel}
            </Button>
          )}
        </>
      }
    >
      {check ? <CheckResult check={check} /> : <FormError error={error} />}
      {provider.managedBy && <ManagedByCodeNotice managedBy={provider.managedBy} />}
      <div className="dialog-text">
        {change === 'enable' && !check && (
          <p>Portcullis checks the connection with Duo first: a provider is only enabled with settings Duo accepts.</p>
        )}
        {unreachable && <p>Enable it anyway if Duo is down for a moment or this network is not opened yet.</p>}
        {refused && <p>Correct the settings before enabling this provider.</p>}
        {change === 'delete' && (
          <p>The provider and its stored secret are removed. This cannot be undone; its audit history is kept.</p>
        )}
        {loading && <LoadingPanel label="Checking who signs in with this provider…" />}
        {affected &&
          (affected.total > 0 ? (
            <AffectedUsersList affected={affected} consequence={CONSEQUENCE[change]} />
          ) : (
            change === 'disable' && <p>Nobody signs in with this provider yet.</p>
          ))}
      </div>
    </Dialog>
  );
}
