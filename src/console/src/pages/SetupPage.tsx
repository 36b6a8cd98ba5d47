import { useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { PASSWORD_MIN } from '../../../shared/api/fields.ts';
import { type SetupBody, setupBodySchema } from '../../../shared/api/session.ts';
import { ApiError } from '../api/client.ts';
import { endpoints } from '../api/endpoints.ts';
import { Button, buttonClass } from '../components/Button.tsx';
import { TextField } from '../components/Field.tsx';
import { FormError } from '../components/FormError.tsx';
import { Notice } from '../components/Notice.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { useToast } from '../components/Toast.tsx';
import { useForm } from '../forms/use-form.ts';
import { AuthLayout } from '../layout/AuthLayout.tsx';
import { usePageTitle } from '../lib/page-title.ts';
import { useSession } from '../session/session-context.ts';
import { NotSetUpPage } from './NotSetUpPage.tsx';

/** The token travels in the fragment (#token=…) so it never reaches a server or proxy log. */
function tokenFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}

export function SetupPage() {
  usePageTitle('Set up Portcullis');
  const { info, refresh } = useSession();
  const location = useLocation();
  const [token] = useState(() => tokenFromHash(location.hash));

  if (info.authenticated) return <Navigate to="/" replace />;
  if (!info.setupRequired) return <AlreadySetUp />;
  if (!token) return <NotSetUpPage reason="missing-token" />;
  return <SetupForm token={token} onDone={refresh} />;
}

function AlreadySetUp() {
  return (
    <AuthLayout>
      <h1 className="auth-title">Portcullis is already set up</h1>
      <p className="auth-subtitle">An administrator exists. Sign in with your account instead.</p>
      <Link to="/signin" className={buttonClass('primary', 'md', 'btn-block')}>
        Go to sign in
      </Link>
    </AuthLayout>
  );
}

function SetupForm({ token, onDone }: { token: string; onDone: () => Promise<unknown> }) {
  const navigate = useNavigate();
  const toast = useToast();
  const [complete, setComplete] = useState(false);
  const form = useForm({
    initial: { username: '', displayName: '', email: '', password: '' },
    schema: setupBodySchema.omit({ token: true }),
  });

  const submit = form.handleSubmit(async (_values, parsed) => {
    try {
      await endpoints.setup({ ...(parsed as Omit<SetupBody, 'token'>), token });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'SETUP_COMPLETE') setComplete(true);
      throw error;
    }
    await onDone();
    toast('Your administrator account is ready. Welcome to Portcullis.');
    navigate('/', { replace: true });
  });

  return (
    <AuthLayout wide>
      <h1 className="auth-title">Set up Portcullis</h1>
      <p className="auth-subtitle">
        Create the first administrator. You will be signed in straight away and can add everyone else from Settings.
      </p>
      <FormError error={form.formError} />
      {complete && (
        <Notice tone="info">
          <Link to="/signin">Go to sign in</Link>
        </Notice>
      )}
      <form ref={form.formRef} className="form-stack" onSubmit={submit} noValidate>
        <div className="form-row">
          <TextField
            label="Username"
            {...form.text('username')}
            autoComplete="username"
            autoFocus
            spellCheck={false}
            hint="Lowercase letters, digits, dots, dashes, underscores and @."
          />
          <TextField label="Display name" {...form.text('displayName')} autoComplete="name" />
        </div>
        <TextField label="Email" type="email" {...form.text('email')} autoComplete="email" spellCheck={false} />
        <PasswordField
          label="Password"
          {...form.text('password')}
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN} characters. A long passphrase is easiest to remember; common passwords are refused.`}
        />
        <Button
          type="submit"
          variant="primary"
          className="btn-block"
          busy={form.submitting}
          busyText="Creating administrator…"
        >
          Create administrator and sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
