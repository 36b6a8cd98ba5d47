import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { useState } from 'react';
import type { ChallengeView } from '../../../../shared/api/session.ts';
import { api, toApiError } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { browserRefusal } from './webauthn-errors.ts';

/**
 * A security key or passkey: the browser asks the user to touch the key or confirm (fingerprint, face,
 * PIN) — navigator.credentials through @simplewebauthn/browser — and the answer goes to the portal,
 * which checks it against this page's origin. Registering a key asks for its name first.
 */
export function CeremonyForm({ view }: { view: ChallengeView }) {
  const [label, setLabel] = useState('Security key');
  const [labelError, setLabelError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ceremony = view.ceremony;
  if (!ceremony) return null;
  const registering = ceremony.mode === 'register';

  const run = async () => {
    if (registering && label.trim() === '') {
      setLabelError('Give this key a name, such as "YubiKey (desk)" or "MacBook Touch ID".');
      return;
    }
    setLabelError(undefined);
    setError(null);
    setBusy(true);
    try {
      const optionsJSON = ceremony.options as never;
      const response = registering
        ? await startRegistration({ optionsJSON })
        : await startAuthentication({ optionsJSON });
      const next = await api.post<{ redirectTo: string }>(
        `/api/auth/challenges/${encodeURIComponent(view.id)}/ceremony`,
        { response, ...(registering && { label: label.trim() }) },
        { quiet: true },
      );
      window.location.assign(next.redirectTo);
    } catch (failure) {
      setBusy(false);
      setError(browserRefusal(failure) ?? toApiError(failure).message);
    }
  };

  return (
    <div className="form-stack">
      {error && <Notice tone="danger">{error}</Notice>}
      {registering && (
        <TextField
          label="Name this key"
          name="label"
          value={label}
          onChange={setLabel}
          error={labelError}
          maxLength={60}
          hint="So you can tell your keys apart, e.g. “YubiKey 5 (desk)” or “MacBook Touch ID”."
        />
      )}
      <Button
        variant="primary"
        icon="key"
        className="btn-block"
        busy={busy}
        busyText="Waiting for your key…"
        onClick={run}
        autoFocus={!registering}
      >
        {registering ? 'Register this key' : 'Use my security key or passkey'}
      </Button>
    </div>
  );
}
