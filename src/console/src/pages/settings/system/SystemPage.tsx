import { isAuthError, isForbidden } from '../../../api/client.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Button } from '../../../components/Button.tsx';
import { Card } from '../../../components/Card.tsx';
import { ErrorBanner } from '../../../components/ErrorBanner.tsx';
import { ForbiddenState } from '../../../components/ForbiddenState.tsx';
import { SkeletonLines } from '../../../components/Skeleton.tsx';
import { PageHeader } from '../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../lib/page-title.ts';
import { ApplicationUrlCard } from './ApplicationUrlCard.tsx';
import { DiagnosticsCard } from './DiagnosticsCard.tsx';
import { SystemCards } from './SystemCards.tsx';

export function SystemPage() {
  usePageTitle('System', 'Settings');
  const query = useQuery('system', () => endpoints.system());

  if (isForbidden(query.error)) return <ForbiddenState />;

  return (
    <>
      <PageHeader
        eyebrow="Settings · System"
        title="System"
        description="The Application URL, diagnostics, and what this node runs. Secrets are never shown here."
        actions={
          <Button
            icon="refresh"
            onClick={query.reload}
            busy={query.loading && query.data !== undefined}
            busyText="Refreshing…"
          >
            Refresh
          </Button>
        }
      />
      <div className="system-stack">
        <ApplicationUrlCard />
        <DiagnosticsCard />
      </div>
      {query.error && !isAuthError(query.error) ? (
        <ErrorBanner error={query.error} title="System information could not be loaded" onRetry={query.reload} />
      ) : query.data ? (
        <SystemCards info={query.data} />
      ) : (
        <div className="system-grid" aria-busy="true">
          {['Portal', 'Runtime', 'Sessions', 'Encryption'].map((title) => (
            <Card key={title} title={title}>
              <SkeletonLines lines={3} />
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
