import { useSearchParams } from 'react-router-dom';
import { catalogueMessage, isAuthError } from '../../api/client.ts';
import { mfaEndpoints } from '../../api/mfa-endpoints.ts';
import { useQuery } from '../../api/use-query.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Card } from '../../components/Card.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Icon } from '../../components/Icon.tsx';
import { SkeletonLines } from '../../components/Skeleton.tsx';
import { Time } from '../../components/Time.tsx';
import { useSession } from '../../session/session-context.ts';
import { ConfigureMfaForm } from './ConfigureMfaForm.tsx';
import { MfaNotices } from './MfaNotices.tsx';

/**
 * My account › Multi-factor authentication: what is set up, and "Configure MFA", which leaves for
 * the provider (Duo enrols the phone) and comes back here with ?mfa=configured or ?error=CODE.
 */
export function MfaCard() {
  const { info } = useSession();
  const query = useQuery('my-mfa', () => mfaEndpoints.myMfa());
  const [params, setParams] = useSearchParams();
  const configuredNow = params.get('mfa') === 'configured';
  const errorCode = params.get('error');
  const dismiss = () => setParams({}, { replace: true });
  const mfa = query.data;

  return (
    <Card
      title="Multi-factor authentication"
      id="mfa"
      description="A second step after your password, such as approving a push in Duo Mobile."
    >
      <div className="mfa-card">
        {configuredNow && (
          <div className="banner banner-success" role="status">
            <Icon name="checkCircle" size={18} className="banner-icon" />
            <div className="banner-body">
              <p className="banner-title">Multi-factor authentication is set up</p>
              <p>
                From now on you sign in with your password and then {mfa?.configured?.providerName ?? 'your provider'}.
              </p>
            </div>
            <Button size="sm" variant="ghost" onClick={dismiss}>
              Dismiss
            </Button>
          </div>
        )}
        {errorCode && (
          <div className="banner banner-danger" role="alert">
            <Icon name="alertCircle" size={18} className="banner-icon" />
            <div className="banner-body">
              <p className="banner-title">Multi-factor authentication was not completed</p>
              <p>{catalogueMessage(errorCode)}</p>
            </div>
            <Button size="sm" variant="ghost" onClick={dismiss}>
              Dismiss
            </Button>
          </div>
        )}
        {query.error && !isAuthError(query.error) ? (
          <ErrorBanner error={query.error} title="Your MFA could not be loaded" onRetry={query.reload} />
        ) : !mfa ? (
          <SkeletonLines lines={4} />
        ) : (
          <>
            <MfaNotices mfa={mfa} authLevel={info.session?.authLevel} />
            <div className="mfa-columns">
              <dl className="details-list mfa-status">
                <div>
                  <dt>Status</dt>
                  <dd>
                    {mfa.configured ? (
                      <Badge tone="success" dot>
                        Set up
                      </Badge>
                    ) : (
                      <Badge tone={mfa.policy.mode === 'required' ? 'warning' : 'neutral'} dot>
                        Not set up
                      </Badge>
                    )}
                  </dd>
                </div>
                {!mfa.configured && (
                  <div>
                    <dt>How it works</dt>
                    <dd>
                      After your password, you approve a push on your phone. Setting it up takes a minute: add your
                      phone number and scan a QR code with Duo Mobile.
                    </dd>
                  </div>
                )}
                {mfa.configured && (
                  <>
                    <div>
                      <dt>Provider</dt>
                      <dd>{mfa.configured.providerName}</dd>
                    </div>
                    <div>
                      <dt>Set up on</dt>
                      <dd>
                        <Time value={mfa.configured.configuredAt} />
                      </dd>
                    </div>
                    <div>
                      <dt>Last used</dt>
                      <dd>
                        <Time value={mfa.configured.lastUsedAt} fallback="Not used yet" />
                      </dd>
                    </div>
                  </>
                )}
              </dl>
              <ConfigureMfaForm mfa={mfa} />
            </div>
          </>
        )}
      </div>
    </Card>
  );
}
