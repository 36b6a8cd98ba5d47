import { ButtonLink } from '../components/Button.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { usePageTitle } from '../lib/page-title.ts';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <div className="page-state">
      <EmptyState
        level={1}
        icon="compass"
        title="Page not found"
        action={
          <ButtonLink to="/" variant="primary" icon="home">
            Go to the home page
          </ButtonLink>
        }
      >
        <p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
      </EmptyState>
    </div>
  );
}
