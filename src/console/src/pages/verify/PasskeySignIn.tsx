import { startAuthentication } from '@simplewebauthn/browser';
import { useState } from 'react';
import { api, toApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Notice } from '../../components/Notice.tsx';
import { browserRefusal } from './webauthn-errors.ts';

/** "Sign in with a passkey": no username, no password; the passkey says who you are and verifies you. */
export function PasskeySignIn({ returnTo }: { returnTo: string | null }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const started = await api.post<{ challengeId: string; options: unknown }>(
        '/api/auth/passkey',
        returnTo ? { returnTo } : {},
        { quiet: true },
      );
      const response = await startAuthentication({ optionsJSON: started.options as never });
      const next = await api.post<{ redirectTo: string }>(
        `/api/auth/passkey/${encodeURIComponent(started.challengeId)}`,
        { response },
        { quiet: true },
      );
      window.location.assign(next.redirectTo);
    } catch (failure) {
      setBusy(false);
      setError(browserRefusal(failure) ?? toApiError(failure).message);
    }
  };

  return (
    <div className="passkey-sign-in">
      <p className="auth-divider">
        <span>or</span>
      </p>
      {error && <Notice tone="danger">{error}</Notice>}
      <Button icon="shieldCheck" className="btn-block" busy={busy} busyText="Waiting for your passkey…" onClick={run}>
        Sign in with a passkey
      </Button>
    </div>
  );
}
