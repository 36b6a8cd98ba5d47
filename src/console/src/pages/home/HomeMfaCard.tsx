import { Link } from 'react-router-dom';
import { isAuthError } from '../../api/client.ts';
import { mfaEndpoints } from '../../api/mfa-endpoints.ts';
import { useQuery } from '../../api/use-query.ts';
import { Badge } from '../../components/Badge.tsx';
import { Card } from '../../components/Card.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Icon } from '../../components/Icon.tsx';
import { SkeletonLines } from '../../components/Skeleton.tsx';
import { plural } from '../../lib/format.ts';

/** Providers and policy at a glance, for administrators. */
function AdminGlance() {
  const providers = useQuery('home-providers', () => mfaEndpoints.listProviders({ pageSize: 200 }));
  const policy = useQuery('home-policy', () => mfaEndpoints.policy());
  if (!providers.data || !policy.data) return providers.error || policy.error ? null : <SkeletonLines lines={2} />;
  const enabled = providers.data.items.filter((provider) => provider.enabled).length;
  const unusable = providers.data.items.filter((provider) => provider.unusableReason).length;
  const required = policy.data.mode === 'required';
  return (
    <dl className="details-list home-glance">
      <div>
        <dt>Providers</dt>
        <dd>
          <Link to="/settings/mfa/providers">
            {providers.data.total === 0 ? 'None registered' : `${enabled} of ${providers.data.total} enabled`}
          </Link>
          {unusable > 0 && (
            <>
              {' '}
              <Badge tone="danger">{plural(unusable, 'unusable provider')}</Badge>
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>Policy</dt>
        <dd>
          <Link to="/settings/mfa/policy">{required ? 'Required for everyone' : 'Off'}</Link>
          {policy.data.usersWithoutMfa > 0 && (
            <span className="cell-sub"> · {plural(policy.data.usersWithoutMfa, 'user')} without MFA</span>
          )}
        </dd>
      </div>
    </dl>
  );
}

/** Home: your own MFA, and for administrators the providers and policy with links. */
export function HomeMfaCard({ admin }: { admin: boolean }) {
  const mine = useQuery('my-mfa', () => mfaEndpoints.myMfa());
  const mfa = mine.data;
  const required = mfa?.policy.mode === 'required';
  return (
    <Card title="Multi-factor authentication" id="home-mfa">
      {mine.error && !isAuthError(mine.error) ? (
        <ErrorBanner error={mine.error} title="Your MFA could not be loaded" onRetry={mine.reload} />
      ) : !mfa ? (
        <SkeletonLines lines={3} />
      ) : (
        <div className="home-mfa">
          <Icon
            name={mfa.configured ? 'shieldCheck' : 'shield'}
            size={22}
            className={mfa.configured ? 'home-mfa-icon home-mfa-icon-ok' : 'home-mfa-icon'}
          />
          <div>
            <p>
              {mfa.configured ? (
                <Badge tone="success" dot>
                  Set up with {mfa.configured.providerName}
                </Badge>
              ) : mfa.skip ? (
                <Badge tone="warning">Skip MFA</Badge>
              ) : (
                <Badge tone={required ? 'warning' : 'neutral'} dot>
                  Not set up
                </Badge>
              )}
            </p>
            <p className="muted">
              {mfa.configured
                ? 'You sign in with your password, then approve the second step.'
                : mfa.skip
                  ? 'An administrator exempted you: you sign in with your password alone.'
                  : required
                    ? 'MFA is required: you set it up at your next sign-in, or now in My account.'
                    : mfa.providers.length > 0
                      ? 'Add a second step to your sign-in, such as a Duo push to your phone.'
                      : 'No MFA provider is available yet.'}
            </p>
            {!mfa.configured && mfa.providers.length === 0 && admin ? (
              <Link to="/settings/mfa/providers/new" className="card-link">
                Register a provider
                <Icon name="chevronRight" size={14} />
              </Link>
            ) : (
              <Link to="/account" className="card-link">
                {mfa.configured ? 'Manage in My account' : 'Set up in My account'}
                <Icon name="chevronRight" size={14} />
              </Link>
            )}
          </div>
        </div>
      )}
      {admin && <AdminGlance />}
    </Card>
  );
}
