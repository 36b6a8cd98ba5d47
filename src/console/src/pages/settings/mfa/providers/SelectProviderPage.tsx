import { Link } from 'react-router-dom';
import { isAuthError } from '../../../../api/client.ts';
import { mfaEndpoints } from '../../../../api/mfa-endpoints.ts';
import { useQuery } from '../../../../api/use-query.ts';
import { ButtonLink } from '../../../../components/Button.tsx';
import { ErrorBanner } from '../../../../components/ErrorBanner.tsx';
import { Icon } from '../../../../components/Icon.tsx';
import { SkeletonLines } from '../../../../components/Skeleton.tsx';
import { PageHeader } from '../../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../../lib/page-title.ts';

/** "Select provider": one card per provider type; choosing one opens its registration form. */
export function SelectProviderPage() {
  usePageTitle('Select provider', 'Settings');
  const types = useQuery('provider-types', () => mfaEndpoints.providerTypes());

  return (
    <>
      <PageHeader
        eyebrow="Settings · MFA · Providers"
        title="Select provider"
        description="Choose the kind of MFA provider to register. You enter its settings on the next screen."
        actions={
          <ButtonLink to="/settings/mfa/providers" icon="arrowLeft">
            Back to Providers
          </ButtonLink>
        }
      />
      {types.error && !isAuthError(types.error) ? (
        <ErrorBanner error={types.error} title="Provider types could not be loaded" onRetry={types.reload} />
      ) : types.data ? (
        <ul className="type-grid" aria-label="Provider types">
          {types.data.items.map((type) => (
            <li key={type.id}>
              <Link
                to={`/settings/mfa/providers/new/${encodeURIComponent(type.id)}`}
                className="tile type-card"
                aria-labelledby={`type-${type.id}-label`}
                aria-describedby={`type-${type.id}-description`}
              >
                <span className="tile-icon type-card-icon">
                  <Icon name="shieldCheck" size={22} />
                </span>
                <span className="type-card-text">
                  <span className="type-card-title" id={`type-${type.id}-label`}>
                    {type.label}
                  </span>
                  <span className="type-card-description" id={`type-${type.id}-description`}>
                    {type.description}
                  </span>
                </span>
                <Icon name="chevronRight" className="tile-chevron type-card-chevron" />
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <div className="type-grid" aria-busy="true">
          <div className="tile type-card">
            <SkeletonLines lines={3} />
          </div>
        </div>
      )}
    </>
  );
}
