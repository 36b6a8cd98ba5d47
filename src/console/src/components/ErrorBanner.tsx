import type { ApiError } from '../api/client.ts';
import { Button } from './Button.tsx';
import { Icon } from './Icon.tsx';

/** A failed request: what happened, the reference to give an administrator, and a way to retry. */
export function ErrorBanner({ error, title, onRetry }: { error: ApiError; title?: string; onRetry?: () => void }) {
  const heading = title ?? (error.isServerSide ? 'Something went wrong' : 'This could not be done');
  return (
    <div className="banner banner-danger" role="alert">
      <Icon name="alertCircle" size={20} className="banner-icon" />
      <div className="banner-body">
        <p className="banner-title">{heading}</p>
        <p>{error.message}</p>
        {error.requestId && (
          <p className="banner-meta">
            Reference: <code>{error.requestId}</code>
          </p>
        )}
      </div>
      {onRetry && (
        <Button size="sm" icon="refresh" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
