import { useEffect, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { accessEndpoints } from '../../api/access-endpoints.ts';
import { catalogueMessage } from '../../api/client.ts';
import { useQuery } from '../../api/use-query.ts';
import { Button, ButtonLink } from '../../components/Button.tsx';
import { Notice } from '../../components/Notice.tsx';
import { LoadingPanel } from '../../components/Spinner.tsx';
import { AuthLayout } from '../../layout/AuthLayout.tsx';
import { formatTime } from '../../lib/format.ts';
import { usePageTitle } from '../../lib/page-title.ts';
import { useSession } from '../../session/session-context.ts';
import { AppMark } from '../settings/applications/AppMark.tsx';

// A failed MFA step comes back here with only ?error=: the application it was for survives in this tab.
const REMEMBERED_RD = 'portcullis.stepUp.rd';

const continuePath = (rd: string) => `/access/continue?rd=${encodeURIComponent(rd)}`;

/**
 * An application behind the proxy asks this session for MFA (none yet, too old, or another kind):
 * the MFA step only — no password — then back to where the person was going. A form post with the
 * CSRF token starts it, never a link: a page elsewhere cannot make the browser ask for a push.
 */
export function StepUpPage() {
  usePageTitle('Confirm it is you');
  const { info } = useSession();
  const [params] = useSearchParams();
  const error = params.get('error');
  const rd = params.get('rd') ?? (error ? sessionStorage.getItem(REMEMBERED_RD) : null) ?? '';
  const [busy, setBusy] = useState(false);
  const need = useQuery(`step-up-${rd}`, () => accessEndpoints.stepUp(rd));

  useEffect(() => {
    if (rd) sessionStorage.setItem(REMEMBERED_RD, rd);
  }, [rd]);
  useEffect(() => {
    // Nothing to step up for (allowed meanwhile, or refused whatever the MFA): the continue page decides.
    if (need.data && need.data.decision !== 'step_up') window.location.assign(continuePath(need.data.rd));
  }, [need.data]);

  if (!info.authenticated) return <Navigate to={`/signin?returnTo=${encodeURIComponent(continuePath(rd))}`} replace />;

  const home = (
    <ButtonLink to="/" variant="ghost">
      Go to Portcullis instead
    </ButtonLink>
  );
  if (need.error) {
    return (
      <AuthLayout>
        <h1 className="auth-title">This link leads nowhere</h1>
        <p className="auth-subtitle">It does not point to an application protected by Portcullis.</p>
        {home}
      </AuthLayout>
    );
  }
  if (need.data?.decision !== 'step_up') {
    return (
      <AuthLayout>
        <LoadingPanel label="Checking what the application needs…" />
      </AuthLayout>
    );
  }
  const view = need.data;
  const why =
    view.reason === 'mfa_too_old' && view.lastMfaAt
      ? `Your last MFA check was at ${formatTime(view.lastMfaAt)}; ${view.application.name} asks for ${view.requirement}.`
      : view.reason === 'other_factor'
        ? `${view.application.name} asks for ${view.requirement}.`
        : `You signed in with your password only; ${view.application.name} asks for ${view.requirement}.`;

  return (
    <AuthLayout>
      <div className="step-up-app">
        <AppMark name={view.application.name} colour={view.application.colour} size="lg" />
        <span>{view.application.name}</span>
      </div>
      <h1 className="auth-title">Confirm it is you</h1>
      <p className="auth-subtitle">{why}</p>
      <div className="auth-notices">{error && <Notice tone="danger">{catalogueMessage(error)}</Notice>}</div>
      <form method="post" action="/api/authz/step-up" className="form-stack" onSubmit={() => setBusy(true)}>
        <input type="hidden" name="_csrf" value={info.csrfToken} />
        <input type="hidden" name="rd" value={view.rd} />
        <Button
          type="submit"
          variant="primary"
          icon="shieldCheck"
          className="btn-block"
          busy={busy}
          busyText="Starting the MFA step…"
          autoFocus
        >
          Continue with MFA
        </Button>
      </form>
      <p className="auth-help">
        Signed in as <strong>{view.username}</strong>. No password is needed: only your second factor.
      </p>
      {home}
    </AuthLayout>
  );
}
