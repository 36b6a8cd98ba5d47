import { useState } from 'react';
import type { ApplicationUrlPreview, ApplicationUrlView } from '../../../../../shared/api/mfa.ts';
import { type ApiError, isAuthError, toApiError } from '../../../api/client.ts';
import { mfaEndpoints } from '../../../api/mfa-endpoints.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Badge } from '../../../components/Badge.tsx';
import { Button } from '../../../components/Button.tsx';
import { Card } from '../../../components/Card.tsx';
import { ErrorBanner } from '../../../components/ErrorBanner.tsx';
import { TextField } from '../../../components/Field.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { Notice } from '../../../components/Notice.tsx';
import { SkeletonLines } from '../../../components/Skeleton.tsx';
import { Spinner } from '../../../components/Spinner.tsx';
import { useToast } from '../../../components/Toast.tsx';
import { type FieldErrors, useForm } from '../../../forms/use-form.ts';
import { ApplicationUrlChangeDialog } from './ApplicationUrlChangeDialog.tsx';

const SOURCES: Record<ApplicationUrlView['source'], { label: string; tone: 'accent' | 'neutral' | 'warning' }> = {
  environment: { label: 'From PORTCULLIS_PUBLIC_URL', tone: 'accent' },
  settings: { label: 'Set here', tone: 'neutral' },
  unset: { label: 'Not set', tone: 'warning' },
};

/**
 * Save runs the check first (the diagnostics against the new value: seconds, so the button says so);
 * a change that affects anyone, or an address the checks fail, opens the confirmation with what they
 * found. A count that moved in between (someone enrolled) comes back as a fresh preview.
 */
function UrlForm({ view, onSaved }: { view: ApplicationUrlView; onSaved: () => void }) {
  const toast = useToast();
  const [pending, setPending] = useState<ApplicationUrlPreview | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [confirmError, setConfirmError] = useState<ApiError | null>(null);
  const form = useForm({
    initial: { applicationUrl: view.configured ?? '' },
    check: (values): FieldErrors =>
      values.applicationUrl.trim() === ''
        ? { applicationUrl: 'Enter the address users reach Portcullis at, such as https://portcullis.example.com.' }
        : {},
  });
  const saved = (url: string | null) => {
    toast(`The Application URL is ${url}.`);
    setPending(null);
    onSaved();
  };
  const submit = form.handleSubmit(async ({ applicationUrl }) => {
    const preview = await mfaEndpoints.checkApplicationUrl(applicationUrl.trim());
    if (preview.unchanged || (preview.usable && !preview.needsConfirmation)) {
      saved((await mfaEndpoints.setApplicationUrl(preview.applicationUrl)).url);
      return;
    }
    setConfirmError(null);
    setPending(preview);
  });
  const confirm = async () => {
    if (!pending) return;
    setConfirming(true);
    setConfirmError(null);
    try {
      saved((await mfaEndpoints.setApplicationUrl(pending.applicationUrl, pending.affectedUsers)).url);
    } catch (failure) {
      const error = toApiError(failure);
      const fresh = error.details.preview as ApplicationUrlPreview | undefined;
      if (fresh) setPending(fresh);
      setConfirmError(error);
    } finally {
      setConfirming(false);
    }
  };
  return (
    <form ref={form.formRef} className="form-stack" onSubmit={submit} noValidate>
      <FormError error={form.formError} />
      <div className="inline-field">
        <TextField
          label="Application URL"
          type="text"
          {...form.text('applicationUrl')}
          placeholder="https://portcullis.example.com"
          autoComplete="off"
          spellCheck={false}
          maxLength={300}
          hint="The https:// address users reach Portcullis at, by its DNS name and without a path. Duo sends users back to it, so it must match the certificate."
        />
        <Button type="submit" variant="primary" busy={form.submitting} busyText="Checking…">
          Save
        </Button>
      </div>
      {form.submitting && (
        <p className="form-footer-status" role="status">
          <Spinner />
          <span>Checking the new address first: DNS, its certificate, Duo. This can take a few seconds.</span>
        </p>
      )}
      {pending && (
        <ApplicationUrlChangeDialog
          preview={pending}
          busy={confirming}
          error={confirmError}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
        />
      )}
    </form>
  );
}

/** Where Duo sends users back to: one address per provider (none before a provider exists). */
function Callbacks({ view }: { view: ApplicationUrlView }) {
  if (view.callbacks.length === 0)
    return (
      <>
        <span className="mono">{view.callbackExample}</span>
        <span className="field-hint"> — each provider gets its own, with its ID, once it is registered.</span>
      </>
    );
  return (
    <ul className="plain-list">
      {view.callbacks.map((callback) => (
        <li key={callback.providerId}>
          {callback.providerName}: <span className="mono">{callback.url}</span>
        </li>
      ))}
    </ul>
  );
}

/** The instance's public address (the seed's "URL Application"): every redirect back from Duo is built from it. */
export function ApplicationUrlCard({ onChanged }: { onChanged?: () => void }) {
  const query = useQuery('application-url', () => mfaEndpoints.applicationUrl());
  const view = query.data;
  return (
    <Card
      title="Application URL"
      id="application-url"
      description="Where users reach this portal. MFA needs it: Duo sends users back to this address after the second step."
    >
      {query.error && !isAuthError(query.error) ? (
        <ErrorBanner error={query.error} title="The Application URL could not be loaded" onRetry={query.reload} />
      ) : !view ? (
        <SkeletonLines lines={3} />
      ) : (
        <div className="form-stack">
          <dl className="details-list details-list-wide">
            <div>
              <dt>Current value</dt>
              <dd>
                {(view.url ?? view.configured) ? <span className="mono">{view.url ?? view.configured}</span> : null}{' '}
                <Badge tone={SOURCES[view.source].tone}>{SOURCES[view.source].label}</Badge>
                {!view.url && view.configured && (
                  <>
                    {' '}
                    <Badge tone="danger">Not usable</Badge>
                  </>
                )}
              </dd>
            </div>
            {view.callbackExample && (
              <div>
                <dt>Duo returns users to</dt>
                <dd>
                  <Callbacks view={view} />
                </dd>
              </div>
            )}
          </dl>
          {view.problem && (
            <Notice tone="danger" title="MFA cannot be used until this is fixed">
              {view.problem}
            </Notice>
          )}
          {view.source === 'environment' ? (
            <Notice tone="info" title="Set by the server's environment">
              PORTCULLIS_PUBLIC_URL sets the Application URL, so it cannot be changed here. Change the variable and
              restart Portcullis.
            </Notice>
          ) : (
            <UrlForm
              key={view.configured ?? ''}
              view={view}
              onSaved={() => {
                query.reload();
                onChanged?.();
              }}
            />
          )}
        </div>
      )}
    </Card>
  );
}
