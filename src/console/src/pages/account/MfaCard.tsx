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
import { useSession } from '../../session/session-context.ts';
import { ConfigureMfaForm } from './ConfigureMfaForm.tsx';
import { FactorList } from './FactorList.tsx';
import { MfaNotices } from './MfaNotices.tsx';
import { RecoveryCodesPanel } from './RecoveryCodesPanel.tsx';

/**
 * My account › Multi-factor authentication: the methods I hold (Duo, authenticator apps), adding one
 * ("Configure MFA": Duo enrols on its own pages; an app is scanned on the verify page), and recovery
 * codes. Back from a provider with ?mfa=configured or ?error=CODE.
 */
export function MfaCard() {
  const { info } = useSession();
  const query = useQuery('my-mfa', () => mfaEndpoints.myMfa());
  const [params, setParams] = useSearchParams();
  const configuredNow = params.get('mfa') === 'configured';
  const errorCode = params.get('error');
  const dismiss = () => setParams({}, { replace: true });
  const mfa = query.data;
  const setUp = (mfa?.factors.length ?? 0) > 0;

  return (
    <Card
      title="Multi-factor authentication"
      id="mfa"
      description="A second step after your password: approve a push in Duo Mobile, type a code from an authenticator app, or touch a security key."
    >
      <div className="mfa-card">
        {configuredNow && (
          <div className="banner banner-success" role="status">
            <Icon name="checkCircle" size={18} className="banner-icon" />
            <div className="banner-body">
              <p className="banner-title">Multi-factor authentication is set up</p>
              <p>
                From now on you sign in with your password and then {mfa?.configured?.providerName ?? 'your provider'}
                {(mfa?.factors.length ?? 0) > 1 ? ' or another of your methods' : ''}.
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
            <div className="mfa-status-line">
              <span className="mfa-status-label">Status</span>
              {setUp ? (
                <Badge tone="success" dot>
                  Set up
                </Badge>
              ) : (
                <Badge tone={mfa.policy.mode === 'required' ? 'warning' : 'neutral'} dot>
                  Not set up
                </Badge>
              )}
              {setUp && (
                <span className="mfa-status-count">
                  {mfa.factors.length === 1 ? 'One method' : `${mfa.factors.length} methods`}
                </span>
              )}
            </div>
            <div className="mfa-columns">
              {setUp ? (
                <FactorList factors={mfa.factors} onChanged={query.reload} />
              ) : (
                <dl className="details-list mfa-status">
                  <div>
                    <dt>How it works</dt>
                    <dd>
                      After your password, you approve a push on your phone or type a code from an app. Setting it up
                      takes a minute: with Duo, add your phone and scan a QR code with Duo Mobile; with an authenticator
                      app, scan a QR code and type its first code.
                    </dd>
                  </div>
                </dl>
              )}
              <ConfigureMfaForm mfa={mfa} />
            </div>
            {setUp && <RecoveryCodesPanel mfa={mfa} onChanged={query.reload} />}
          </>
        )}
      </div>
    </Card>
  );
}
