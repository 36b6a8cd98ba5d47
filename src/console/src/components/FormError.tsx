import { useEffect } from 'react';
import type { ApiError } from '../api/client.ts';
import { Icon } from './Icon.tsx';
import { useDismissToasts } from './Toast.tsx';

/**
 * The message at the top of a form that failed: an alert, with the reference when our side failed.
 * Issue 13.10: it clears the confirmations still on screen, so a failed save never shows under an
 * earlier one's "saved".
 */
export function FormError({ error }: { error: ApiError | null }) {
  const dismissToasts = useDismissToasts();
  useEffect(() => {
    if (error) dismissToasts();
  }, [error, dismissToasts]);
  if (!error) return null;
  return (
    <div className="form-error" role="alert">
      <Icon name="alertCircle" size={18} />
      <div>
        <p>{error.message}</p>
        {error.requestId && error.isServerSide && (
          <p className="form-error-meta">
            Reference: <code>{error.requestId}</code>
          </p>
        )}
      </div>
    </div>
  );
}
