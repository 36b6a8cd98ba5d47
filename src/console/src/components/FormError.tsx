import type { ApiError } from '../api/client.ts';
import { Icon } from './Icon.tsx';

/** The message at the top of a form that failed: an alert, with the reference when our side failed. */
export function FormError({ error }: { error: ApiError | null }) {
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
