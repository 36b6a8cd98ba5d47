import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { MyMfa } from '../../../../shared/api/mfa.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField } from '../../components/Field.tsx';
import { useSession } from '../../session/session-context.ts';

/**
 * "Configure MFA" (and "Add method" beside existing ones) is a native form POST: for Duo the server
 * answers with a redirect to its Universal Prompt, which only a top-level navigation can follow; for an
 * authenticator app with the verify page, where the app is scanned and confirmed. It needs a recent
 * sign-in, so a stale session first confirms the password.
 */
export function ConfigureMfaForm({ mfa }: { mfa: MyMfa }) {
  const { info, refresh, confirmRecentSignIn } = useSession();
  const formRef = useRef<HTMLFormElement>(null);
  const csrfRef = useRef<HTMLInputElement>(null);
  const [providerId, setProviderId] = useState(
    String(
      (mfa.providers.find((provider) => provider.id === mfa.policy.defaultProviderId) ?? mfa.providers[0])?.id ?? '',
    ),
  );
  const [leaving, setLeaving] = useState(false);
  const adding = mfa.factors.length > 0;
  const chosen = mfa.providers.find((provider) => String(provider.id) === providerId);

  useEffect(() => {
    // Back from Duo with the browser's Back button restores this page from the cache: un-busy it.
    const onPageShow = (event: PageTransitionEvent) => event.persisted && setLeaving(false);
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, []);

  // Redirect providers need the Application URL to send users back; an authenticator app does not.
  const unavailable = mfa.providers.length === 0 || (chosen?.redirect === true && !mfa.ready);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (leaving || unavailable) return;
    setLeaving(true);
    // The page may have been open for a while: ask the server whether the sign-in is still recent.
    let latest = await refresh().catch(() => info);
    if (latest.session?.fresh === false) {
      setLeaving(false);
      if (!(await confirmRecentSignIn())) return;
      latest = await refresh();
      setLeaving(true);
    }
    if (csrfRef.current) csrfRef.current.value = latest.csrfToken;
    formRef.current?.submit();
  };

  const options = mfa.providers.map((provider) => ({
    value: String(provider.id),
    label: provider.name === provider.typeLabel ? provider.name : `${provider.name} (${provider.typeLabel})`,
  }));
  const owned = new Set(mfa.factors.map((factor) => factor.provider?.id));

  return (
    <form ref={formRef} method="post" action="/api/me/mfa/configure" className="configure-mfa" onSubmit={onSubmit}>
      <input ref={csrfRef} type="hidden" name="_csrf" value={info.csrfToken} readOnly />
      {adding && <input type="hidden" name="add" value="true" />}
      <h3 className="factor-list-title">{adding ? 'Add a method' : 'Set up MFA'}</h3>
      {options.length > 0 && (
        <SelectField
          label="Provider"
          name="providerId"
          value={providerId}
          onChange={setProviderId}
          options={options}
          disabled={mfa.providers.length === 0}
          hint={
            chosen
              ? `${chosen.enrol}${chosen.redirect && owned.has(chosen.id) ? ' You already have it: this sets it up again at Duo (for a new phone, say).' : ''} Then you come back here.`
              : undefined
          }
        />
      )}
      {unavailable && (
        <p className="field-hint">
          {mfa.providers.length === 0
            ? 'Available once an administrator has enabled an MFA provider.'
            : 'Available once an administrator has set the Application URL.'}
        </p>
      )}
      <div className="form-actions">
        <Button
          type="submit"
          variant={adding ? 'secondary' : 'primary'}
          icon={adding ? 'plus' : 'smartphone'}
          disabled={unavailable}
          busy={leaving}
          busyText={chosen?.busy ?? 'Opening…'}
        >
          {adding ? 'Add method' : 'Configure MFA'}
        </Button>
      </div>
    </form>
  );
}
