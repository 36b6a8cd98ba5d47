import { useState } from 'react';
import type { FactorViewData } from '../../../../../shared/api/mfa.ts';
import type { UserView } from '../../../../../shared/api/users.ts';
import { isAuthError, toApiError } from '../../../api/client.ts';
import { mfaEndpoints } from '../../../api/mfa-endpoints.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Button } from '../../../components/Button.tsx';
import { Dialog } from '../../../components/Dialog.tsx';
import { EmptyState } from '../../../components/EmptyState.tsx';
import { ErrorBanner } from '../../../components/ErrorBanner.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { SkeletonLines } from '../../../components/Skeleton.tsx';
import { Time } from '../../../components/Time.tsx';

/** Settings › Users › MFA methods: what a user holds (never a secret), and removing one (their sessions end). */
export function UserFactorsDialog({
  user,
  onClose,
  onDone,
}: {
  user: UserView;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const query = useQuery(`user-factors:${user.id}`, () => mfaEndpoints.userFactors(user.id));
  const [removing, setRemoving] = useState<FactorViewData | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof toApiError> | null>(null);

  const remove = async (factor: FactorViewData) => {
    setBusy(true);
    setError(null);
    try {
      const { sessionsEnded } = await mfaEndpoints.removeUserFactor(user.id, factor.id);
      setRemoving(null);
      query.reload();
      onDone(
        `${factor.label} is removed from ${user.displayName}; ${sessionsEnded === 1 ? 'one session' : `${sessionsEnded} sessions`} ended.`,
      );
    } catch (failure) {
      setError(toApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`MFA methods of ${user.displayName}`}
      description="Removing a method (a lost phone, say) ends all of this user's sessions. Their secrets are never shown."
      onClose={onClose}
      dismissible={!busy}
      footer={
        <Button onClick={onClose} disabled={busy} data-autofocus>
          Close
        </Button>
      }
    >
      <FormError error={error} />
      {query.error && !isAuthError(query.error) ? (
        <ErrorBanner error={query.error} title="The methods could not be loaded" onRetry={query.reload} />
      ) : !query.data ? (
        <SkeletonLines lines={3} />
      ) : query.data.items.length === 0 ? (
        <EmptyState icon="smartphone" title="No MFA methods">
          {user.displayName} has not set up MFA.
        </EmptyState>
      ) : (
        <table className="table">
          <caption className="sr-only">MFA methods of {user.displayName}</caption>
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Name</th>
              <th scope="col">Added</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {query.data.items.map((factor) => (
              <tr key={factor.id}>
                <td>{factor.method}</td>
                <td>
                  {factor.label}
                  {factor.remaining !== null && ` (${factor.remaining} left)`}
                  {factor.key && (
                    <span className="cell-note">
                      {factor.key.model ?? (factor.key.synced ? 'Synced passkey' : 'Security key')}
                      {factor.key.cloneSuspectedAt ? ' · possible copy detected' : ''}
                    </span>
                  )}
                </td>
                <td>
                  <Time value={factor.createdAt} />
                </td>
                <td>
                  <Time value={factor.lastUsedAt} fallback="Never" />
                </td>
                <td>
                  {removing?.id === factor.id ? (
                    <Button size="sm" variant="danger" busy={busy} busyText="Removing…" onClick={() => remove(factor)}>
                      Confirm removal
                    </Button>
                  ) : (
                    <Button
                      size="sm"
                      variant="ghost"
                      icon="trash"
                      onClick={() => setRemoving(factor)}
                      aria-label={`Remove ${factor.label}`}
                    >
                      Remove
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
