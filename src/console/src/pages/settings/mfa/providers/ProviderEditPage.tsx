import { useNavigate, useParams } from 'react-router-dom';
import { isAuthError } from '../../../../api/client.ts';
import { mfaEndpoints } from '../../../../api/mfa-endpoints.ts';
import { useQuery } from '../../../../api/use-query.ts';
import { ButtonLink } from '../../../../components/Button.tsx';
import { EmptyState } from '../../../../components/EmptyState.tsx';
import { ErrorBanner } from '../../../../components/ErrorBanner.tsx';
import { Notice } from '../../../../components/Notice.tsx';
import { LoadingPanel } from '../../../../components/Spinner.tsx';
import { useToast } from '../../../../components/Toast.tsx';
import { PageHeader } from '../../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../../lib/page-title.ts';
import { DuoHelpCard } from './DuoHelpCard.tsx';
import { ProviderFacts } from './ProviderFacts.tsx';
import { ProviderForm } from './ProviderForm.tsx';
import { savedMessage } from './ProviderRegistrationPage.tsx';
import { ManagedByCodeNotice } from './provider-badges.tsx';

/** Edit a provider with the registration form; its secret is never shown, and a blank one is kept. */
export function ProviderEditPage() {
  const { id } = useParams();
  const providerId = Number(id);
  const navigate = useNavigate();
  const toast = useToast();
  const valid = Number.isInteger(providerId) && providerId > 0;
  const provider = useQuery(`provider-${id}`, () =>
    valid ? mfaEndpoints.provider(providerId) : Promise.reject(new Error('bad id')),
  );
  const types = useQuery('provider-types', () => mfaEndpoints.providerTypes());
  const type = types.data?.items.find((item) => item.id === provider.data?.type);
  usePageTitle(provider.data ? provider.data.name : 'Edit provider', 'Settings');

  const error = provider.error ?? types.error;
  const back = (
    <ButtonLink to="/settings/mfa/providers" icon="arrowLeft">
      Back to Providers
    </ButtonLink>
  );
  if (!valid || error?.code === 'PROVIDER_NOT_FOUND' || error?.code === 'NOT_FOUND') {
    return (
      <div className="page-state">
        <EmptyState level={1} icon="compass" title="Provider not found" action={back}>
          <p>There is no provider with this ID. It may have been deleted.</p>
        </EmptyState>
      </div>
    );
  }

  return (
    <>
      <PageHeader
        eyebrow="Settings · MFA · Providers"
        title={provider.data ? `Edit ${provider.data.name}` : 'Edit provider'}
        description="Saving checks changed settings with the provider first. Leave Client Secret blank to keep the stored one."
        actions={back}
      />
      {error && !isAuthError(error) ? (
        <ErrorBanner error={error} title="The provider could not be loaded" onRetry={provider.reload} />
      ) : !provider.data || !types.data ? (
        <LoadingPanel label="Loading the provider…" />
      ) : !type ? (
        <Notice tone="danger" title="Unknown provider type">
          This provider's type ({provider.data.type}) is not available in this version of Portcullis.
        </Notice>
      ) : (
        <>
          {(provider.data.managedBy || provider.data.unusableReason) && (
            <div className="page-notices">
              {provider.data.managedBy && <ManagedByCodeNotice managedBy={provider.data.managedBy} />}
              {provider.data.unusableReason && (
                <Notice tone="danger" title="This provider is unusable">
                  {provider.data.unusableReason}
                </Notice>
              )}
            </div>
          )}
          <div className="registration">
            <ProviderForm
              key={provider.data.updatedAt}
              type={type}
              provider={provider.data}
              onSaved={(result, despiteCheck) => {
                toast(savedMessage(result, 'saved', despiteCheck));
                navigate('/settings/mfa/providers');
              }}
            />
            <aside className="registration-aside" aria-label="Details">
              <ProviderFacts provider={provider.data} />
              {type.id === 'duo' && <DuoHelpCard />}
            </aside>
          </div>
        </>
      )}
    </>
  );
}
