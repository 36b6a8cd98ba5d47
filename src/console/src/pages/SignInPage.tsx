import { type FormEvent, useEffect, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { loginBodySchema } from '../../../shared/api/session.ts';
import { catalogueMessage } from '../api/client.ts';
import { Button } from '../components/Button.tsx';
import { TextField } from '../components/Field.tsx';
import { Notice } from '../components/Notice.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { type FieldErrors, issuesToFields } from '../forms/use-form.ts';
import { AuthLayout } from '../layout/AuthLayout.tsx';
import { formatWait } from '../lib/format.ts';
import { usePageTitle } from '../lib/page-title.ts';
import { safeReturnTo } from '../lib/return-to.ts';
import { endedMessage } from '../session/notices.ts';
import { useSession } from '../session/session-context.ts';
import { MfaUnavailable } from './MfaUnavailable.tsx';
import { NotSetUpPage } from './NotSetUpPage.tsx';
import { PasskeySignIn } from './verify/PasskeySignIn.tsx';

// The server's failure redirect carries only the error code; these survive it for this tab.
const REMEMBERED_USERNAME = 'portcullis.signin.username';
const REMEMBERED_RETURN = 'portcullis.signin.returnTo';

function errorText(code: string | null, retryAfter: string | null): string | null {
  const message = catalogueMessage(code);
  if (!message) return null;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds > 0) {
    if (code === 'LOGIN_THROTTLED') return `Too many failed sign-in attempts. Try again in ${formatWait(seconds)}.`;
    if (code === 'MFA_THROTTLED') return `Too many MFA requests for this account. Try again in ${formatWait(seconds)}.`;
  }
  return message;
}

/**
 * Sign-in is a native form POST (not fetch): once MFA is on, the same POST answers with a redirect to
 * the provider's prompt (Duo's Universal Prompt), which only a top-level navigation can follow.
 */
export function SignInPage() {
  usePageTitle('Sign in');
  const { info, notice } = useSession();
  const [params, setParams] = useSearchParams();
  const error = params.get('error');
  const returnTo =
    safeReturnTo(params.get('returnTo')) ?? (error ? safeReturnTo(sessionStorage.getItem(REMEMBERED_RETURN)) : null);
  const rememberedUsername = error ? (sessionStorage.getItem(REMEMBERED_USERNAME) ?? '') : '';
  const [username, setUsername] = useState(rememberedUsername);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    // Coming back with the browser's Back button restores this page from the cache: un-busy it.
    const onPageShow = (event: PageTransitionEvent) => event.persisted && setSubmitting(false);
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, []);

  if (info.setupRequired) return <NotSetUpPage />;
  if (info.authenticated) return <Navigate to={returnTo ?? '/'} replace />;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const { errors: found } = issuesToFields(loginBodySchema, { username, password });
    setErrors(found);
    if (found.username || found.password) {
      event.preventDefault();
      const first = found.username ? 'username' : 'password';
      event.currentTarget.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
      return;
    }
    sessionStorage.setItem(REMEMBERED_USERNAME, username);
    if (returnTo) sessionStorage.setItem(REMEMBERED_RETURN, returnTo);
    else sessionStorage.removeItem(REMEMBERED_RETURN);
    setSubmitting(true);
  };

  if (error === 'MFA_UNAVAILABLE') {
    return (
      <MfaUnavailable
        reason={params.get('reason')}
        onRetry={() => setParams(returnTo ? { returnTo } : {}, { replace: true })}
      />
    );
  }

  const failure = errorText(error, params.get('retryAfter'));
  const signedOut = params.get('signedOut') === '1';
  const ended = !error && !signedOut ? endedMessage(notice, info.sessionLimits) : null;

  return (
    <AuthLayout>
      <h1 className="auth-title">Sign in</h1>
      <p className="auth-subtitle">Use your Portcullis account to continue.</p>
      <div className="auth-notices">
        {signedOut && <Notice tone="success">You have signed out.</Notice>}
        {ended && <Notice tone="info">{ended}</Notice>}
        {failure && <Notice tone="danger">{failure}</Notice>}
      </div>
      <form method="post" action="/api/auth/login" className="form-stack" onSubmit={onSubmit} noValidate>
        <input type="hidden" name="_csrf" value={info.csrfToken} />
        {returnTo && <input type="hidden" name="returnTo" value={returnTo} />}
        <TextField
          label="Username"
          name="username"
          value={username}
          onChange={setUsername}
          error={errors.username}
          autoComplete="username"
          autoFocus={!rememberedUsername}
          spellCheck={false}
          maxLength={64}
        />
        <PasswordField
          label="Password"
          name="password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          autoComplete="current-password"
          autoFocus={Boolean(rememberedUsername)}
        />
        <Button type="submit" variant="primary" className="btn-block" busy={submitting} busyText="Signing in…">
          Sign in
        </Button>
      </form>
      {info.passkeys && <PasskeySignIn returnTo={returnTo} />}
      <p className="auth-help">Forgot your password? Ask an administrator of this portal to reset it.</p>
    </AuthLayout>
  );
}
