import { isAuthError, isForbidden } from '../../../../api/client.ts';
import { mfaEndpoints } from '../../../../api/mfa-endpoints.ts';
import { useQuery } from '../../../../api/use-query.ts';
import { Card } from '../../../../components/Card.tsx';
import { ErrorBanner } from '../../../../components/ErrorBanner.tsx';
import { ForbiddenState } from '../../../../components/ForbiddenState.tsx';
import { SkeletonLines } from '../../../../components/Skeleton.tsx';
import { PageHeader } from '../../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../../lib/page-title.ts';
import { PolicyForm } from './PolicyForm.tsx';
import { ReadinessCard } from './ReadinessCard.tsx';

/** Settings > MFA > Policy: whether MFA is required, with which provider users enrol, and who is ready. */
export function PolicyPage() {
  usePageTitle('MFA policy', 'Settings');
  const policy = useQuery('mfa-policy', () => mfaEndpoints.policy());
  const providers = useQuery('mfa-enabled-providers', () =>
    mfaEndpoints.listProviders({ enabled: 'true', sort: 'name', pageSize: 200 }),
  );
  const appUrl = useQuery('application-url', () => mfaEndpoints.applicationUrl());

  if (isForbidden(policy.error)) return <ForbiddenState />;
  const error = policy.error ?? providers.error;

  return (
    <>
      <PageHeader
        eyebrow="Settings · MFA"
        title="Policy"
        description="Who must sign in with multi-factor authentication, and with which provider users set it up."
      />
      {error && !isAuthError(error) ? (
        <ErrorBanner
          error={error}
          title="The MFA policy could not be loaded"
          onRetry={() => {
            policy.reload();
            providers.reload();
          }}
        />
      ) : (
        <div className="policy-grid">
          {policy.data && providers.data ? (
            <PolicyForm
              key={JSON.stringify([
                policy.data.mode,
                policy.data.defaultProviderId,
                policy.data.allowedTypes,
                policy.data.recoveryCodes,
              ])}
              policy={policy.data}
              providers={providers.data.items}
              onSaved={() => {
                policy.reload();
                appUrl.reload();
              }}
            />
          ) : (
            <Card title="Requirement">
              <SkeletonLines lines={5} />
            </Card>
          )}
          <ReadinessCard
            policy={policy.data}
            enabledProviders={providers.data?.total}
            applicationUrl={appUrl.data}
            applicationUrlError={appUrl.error}
          />
        </div>
      )}
    </>
  );
}
