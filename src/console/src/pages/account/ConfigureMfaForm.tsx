import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { MyMfa } from '../../../../shared/api/mfa.ts';
import { Button } from '../../components/Button.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { SelectField } from '../../components/Field.tsx';
import { useSession } from '../../session/session-context.ts';

/**
 * "Configure MFA" is a native form POST: the server answers with a redirect to the provider (Duo's
 * Universal Prompt), which only a top-level navigation can follow. It needs a recent sign-in, so a
 * stale session first confirms the password; replacing an existing MFA is confirmed first too.
 */
export function ConfigureMfaForm({ mfa }: { mfa: MyMfa }) {
  const { info, refresh, confirmRecentSignIn } = useSession();
  const formRef = useRef<HTMLFormElement>(null);
  const csrfRef = useRef<HTMLInputElement>(null);
  const [providerId, setProviderId] = useState(
    String(
      (mfa.configured && mfa.providers.some((p) => p.id === mfa.configured?.providerId)
        ? mfa.configured.providerId
        : mfa.providers[0]?.id) ?? '',
    ),
  );
  const [confirmingReplace, setConfirmingReplace] = useState(false);
  const [leaving, setLeaving] = useState(false);

  useEffect(() => {
    // Back from Duo with the browser's Back button restores this page from the cache: un-busy it.
    const onPageShow = (event: PageTransitionEvent) => event.persisted && setLeaving(false);
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, []);

  const unavailable = !mfa.ready || mfa.providers.length === 0;

  /** Posts the form for real, with a CSRF token for the current (possibly just renewed) session. */
  const leaveForProvider = async () => {
    setLeaving(true);
    // The page may have been open for a while: ask the server whether the sign-in is still recent.
    let latest = await refresh().catch(() => info);
    if (latest.session?.fresh === false) {
      setLeaving(false);
      if (!(await confirmRecentSignIn())) return;
      latest = await refresh();
      setLeaving(true);
    }
    const token = latest.csrfToken;
    if (csrfRef.current) csrfRef.current.value = token;
    formRef.current?.submit();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (leaving || unavailable) return;
    if (mfa.configured) setConfirmingReplace(true);
    else leaveForProvider();
  };

  const options = mfa.providers.map((provider) => ({
    value: String(provider.id),
    label: provider.name === provider.typeLabel ? provider.name : `${provider.name} (${provider.typeLabel})`,
  }));

  return (
    <form ref={formRef} method="post" action="/api/me/mfa/configure" className="configure-mfa" onSubmit={onSubmit}>
      <input ref={csrfRef} type="hidden" name="_csrf" value={info.csrfToken} readOnly />
      {mfa.configured && <input type="hidden" name="replace" value="true" />}
      {options.length > 0 && (
        <SelectField
          label="Provider"
          name="providerId"
          value={providerId}
          onChange={setProviderId}
          options={options}
          disabled={unavailable}
          hint="You continue at the provider: follow its steps (for Duo: add your phone, scan the QR code, approve a push), then you come back here."
        />
      )}
      {unavailable && (
        <p className="field-hint">
          Available once an administrator has set the Application URL and enabled an MFA provider.
        </p>
      )}
      <div className="form-actions">
        <Button
          type="submit"
          variant={mfa.configured ? 'secondary' : 'primary'}
          icon="smartphone"
          disabled={unavailable}
          busy={leaving}
          busyText="Opening Duo…"
        >
          Configure MFA
        </Button>
      </div>
      {confirmingReplace && mfa.configured && (
        <ConfirmDialog
          title="Replace your MFA?"
          confirmLabel="Replace MFA"
          busyLabel="Opening Duo…"
          busy={leaving}
          onCancel={() => setConfirmingReplace(false)}
          onConfirm={() => {
            setConfirmingReplace(false);
            leaveForProvider();
          }}
        >
          <p>
            You sign in with <strong>{mfa.configured.providerName}</strong> today. Once you finish setting up the new
            one, you sign in with it only; the current setup stops working.
          </p>
          <p>If you cancel at the provider, nothing changes.</p>
        </ConfirmDialog>
      )}
    </form>
  );
}
