import { useState } from 'react';
import type { ApplicationView } from '../../../../../shared/api/applications.ts';
import { accessEndpoints } from '../../../api/access-endpoints.ts';
import { type ApiError, toApiError } from '../../../api/client.ts';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';

export function DeleteApplicationDialog({
  app,
  onClose,
  onDeleted,
}: {
  app: Pick<ApplicationView, 'id' | 'name' | 'urls'>;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <ConfirmDialog
      title={`Delete ${app.name}?`}
      confirmLabel="Delete application"
      busyLabel="Deleting…"
      busy={busy}
      error={error}
      onCancel={onClose}
      onConfirm={async () => {
        setBusy(true);
        try {
          await accessEndpoints.deleteApplication(app.id);
          onDeleted();
        } catch (failure) {
          setError(toApiError(failure));
          setBusy(false);
        }
      }}
    >
      <p>
        From then on the proxy refuses every request to {app.urls.map((url) => url.host).join(', ')} (no application
        claims it). Nobody is let through by mistake.
      </p>
    </ConfirmDialog>
  );
}
