import { useState } from 'react';
import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import { AuthLayout } from '../layout/AuthLayout.tsx';
import { usePageTitle } from '../lib/page-title.ts';
import { useSession } from '../session/session-context.ts';

/** Nobody can sign in yet: explain where the one-time setup link is. */
export function NotSetUpPage({ reason }: { reason?: 'missing-token' }) {
  usePageTitle('Set up');
  const { refresh } = useSession();
  const [checking, setChecking] = useState(false);
  return (
    <AuthLayout wide>
      <div className="auth-icon">
        <Icon name="key" size={22} />
      </div>
      <h1 className="auth-title">Portcullis is not set up yet</h1>
      <p className="auth-subtitle">
        {reason === 'missing-token'
          ? 'This setup page needs the one-time token from the setup link.'
          : 'No administrator exists yet, so nobody can sign in.'}
      </p>
      <ol className="steps">
        <li>
          Open the <strong>setup link</strong> printed in the server console when Portcullis started. It looks like{' '}
          <code>https://portal.example.com/setup#token=…</code> and is valid for 24 hours.
        </li>
        <li>
          Or create the first administrator from a shell on the server:
          <pre className="code-block">portcullis user add --admin</pre>
        </li>
      </ol>
      <p className="auth-help">Restarting the portal prints a new setup link while nobody has been created.</p>
      <Button
        className="btn-block"
        icon="refresh"
        busy={checking}
        busyText="Checking…"
        onClick={() => {
          setChecking(true);
          refresh().finally(() => setChecking(false));
        }}
      >
        Check again
      </Button>
    </AuthLayout>
  );
}
