import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { ApplicationUrlView } from '../../../../../../shared/api/mfa.ts';
import type { ApiError } from '../../../../api/client.ts';
import type { MfaPolicyState } from '../../../../api/mfa-endpoints.ts';
import { Card } from '../../../../components/Card.tsx';
import { Icon, type IconName } from '../../../../components/Icon.tsx';
import { SkeletonLines } from '../../../../components/Skeleton.tsx';
import { plural } from '../../../../lib/format.ts';

type Tone = 'pass' | 'warn' | 'fail';
const ICONS: Record<Tone, IconName> = { pass: 'checkCircle', warn: 'alert', fail: 'xCircle' };

function Item({ tone, title, children }: { tone: Tone; title: string; children: ReactNode }) {
  return (
    <li className={`readiness-item readiness-${tone}`}>
      <Icon name={ICONS[tone]} size={18} className="readiness-icon" />
      <div>
        <p className="readiness-title">{title}</p>
        <div className="readiness-text">{children}</div>
      </div>
    </li>
  );
}

/** Whether requiring MFA is safe now: administrators who can still sign in, who enrols next, the Application URL. */
export function ReadinessCard({
  policy,
  enabledProviders,
  applicationUrl,
  applicationUrlError,
}: {
  policy: MfaPolicyState | undefined;
  enabledProviders: number | undefined;
  applicationUrl: ApplicationUrlView | undefined;
  applicationUrlError: ApiError | undefined;
}) {
  if (!policy || enabledProviders === undefined) {
    return (
      <Card title="Readiness">
        <SkeletonLines lines={6} />
      </Card>
    );
  }
  const admins = policy.administratorsWithMfa;
  const required = policy.mode === 'required';
  return (
    <Card title="Readiness" id="policy-readiness" description="Checked before MFA is required for everyone.">
      <ul className="readiness">
        <Item
          tone={admins.length > 0 ? 'pass' : 'fail'}
          title={`${plural(admins.length, 'administrator')} with working MFA`}
        >
          {admins.length > 0 ? (
            <p>
              <span className="mono">{admins.join(', ')}</span> can sign in when MFA is required.
            </p>
          ) : (
            <p>
              Requiring MFA now would lock every administrator out. Set up yours under{' '}
              <Link to="/account">My account › Configure MFA</Link>.
            </p>
          )}
        </Item>
        <Item
          tone={policy.usersWithoutMfa === 0 ? 'pass' : 'warn'}
          title={`${plural(policy.usersWithoutMfa, 'user')} without MFA`}
        >
          <p>
            {policy.usersWithoutMfa === 0
              ? 'Everyone who signs in has MFA set up (or is exempt).'
              : required
                ? `${policy.usersWithoutMfa === 1 ? 'This user sets' : 'They set'} up MFA at their next sign-in, with the default provider.`
                : `If MFA is required, ${policy.usersWithoutMfa === 1 ? 'this user sets' : 'they set'} it up at their next sign-in.`}
          </p>
        </Item>
        <Item tone={enabledProviders > 0 ? 'pass' : 'fail'} title={`${plural(enabledProviders, 'enabled provider')}`}>
          <p>
            {enabledProviders > 0 ? 'Providers users can set up MFA with. ' : 'Nobody can set up MFA yet. '}
            <Link to="/settings/mfa/providers">Manage providers</Link>
          </p>
        </Item>
        <Item
          tone={applicationUrl?.url ? 'pass' : 'fail'}
          title={applicationUrl?.url ? 'Application URL is set' : 'Application URL is not usable'}
        >
          <p>
            {applicationUrlError ? (
              applicationUrlError.message
            ) : applicationUrl?.url ? (
              <span className="mono">{applicationUrl.url}</span>
            ) : (
              (applicationUrl?.problem ?? 'Duo sends users back to this address: it must be set before MFA works.')
            )}{' '}
            <Link to="/settings/system">Settings › System</Link>
          </p>
        </Item>
      </ul>
    </Card>
  );
}
