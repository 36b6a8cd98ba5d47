import { useNavigate, useParams } from 'react-router-dom';
import type { ProviderSaveResponse } from '../../../../../../shared/api/providers.ts';
import { isAuthError } from '../../../../api/client.ts';
import { mfaEndpoints } from '../../../../api/mfa-endpoints.ts';
import { useQuery } from '../../../../api/use-query.ts';
import { ButtonLink } from '../../../../components/Button.tsx';
import { EmptyState } from '../../../../components/EmptyState.tsx';
import { ErrorBanner } from '../../../../components/ErrorBanner.tsx';
import { LoadingPanel } from '../../../../components/Spinner.tsx';
import { useToast } from '../../../../components/Toast.tsx';
import { PageHeader } from '../../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../../lib/page-title.ts';
import { DuoHelpCard } from './DuoHelpCard.tsx';
import { ProviderForm } from './ProviderForm.tsx';

/** The toast after a save: what was saved, and what the live check said. */
export function savedMessage(result: ProviderSaveResponse, verb: string, despiteCheck: boolean): string {
  const { provider, check } = result;
  const state = provider.enabled ? 'enabled' : 'disabled';
  if (despiteCheck) return `${provider.name} is ${verb} (${state}) without a passing connection check.`;
  return check ? `${provider.name} is ${verb} and ${state}. ${check.message}` : `${provider.name} is ${verb}.`;
}

/** "Provider registration": the chosen type's form. */
export function ProviderRegistrationPage() {
  usePageTitle('Provider registration', 'Settings');
  const { type: typeId } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const types = useQuery('provider-types', () => mfaEndpoints.providerTypes());
  const type = types.data?.items.find((item) => item.id === typeId);

  return (
    <>
      <PageHeader
        eyebrow="Settings · MFA · Providers"
        title="Provider registration"
        description={
          type
            ? `Register ${type.label}. Saving checks the settings with ${type.label} before anything is stored.`
            : undefined
        }
        actions={
          <ButtonLink to="/settings/mfa/providers/new" icon="arrowLeft">
            Select provider
          </ButtonLink>
        }
      />
      {types.error && !isAuthError(types.error) ? (
        <ErrorBanner error={types.error} title="The provider form could not be loaded" onRetry={types.reload} />
      ) : !types.data ? (
        <LoadingPanel label="Loading the form…" />
      ) : !type ? (
        <EmptyState
          icon="compass"
          title="Unknown provider type"
          action={<ButtonLink to="/settings/mfa/providers/new">Select provider</ButtonLink>}
        >
          <p>Portcullis has no provider type called “{typeId}”. Choose one from the list.</p>
        </EmptyState>
      ) : (
        <div className="registration">
          <ProviderForm
            type={type}
            onSaved={(result, despiteCheck) => {
              toast(savedMessage(result, 'registered', despiteCheck));
              navigate('/settings/mfa/providers');
            }}
          />
          <aside className="registration-aside" aria-label="Help">
            {type.id === 'duo' && <DuoHelpCard />}
          </aside>
        </div>
      )}
    </>
  );
}
