import { useState } from 'react';
import { confirmPasswordBodySchema } from '../../../shared/api/session.ts';
import { ApiError, toApiError } from '../api/client.ts';
import { endpoints } from '../api/endpoints.ts';
import { mfaEndpoints } from '../api/mfa-endpoints.ts';
import { useQuery } from '../api/use-query.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { useForm } from '../forms/use-form.ts';

/**
 * "Confirm your password": the server wants a recent sign-in before a sensitive change. A user with
 * MFA then approves the request at the provider (a full-page visit) and comes back to this address.
 */
export function ReauthDialog({ onConfirmed, onCancel }: { onConfirmed: () => Promise<void>; onCancel: () => void }) {
  const [leaving, setLeaving] = useState(false);
  // /api/session does not say whether this user has MFA; /api/me/mfa does (and needs no recent sign-in).
  const mine = useQuery('reauth-my-mfa', () => mfaEndpoints.myMfa());
  const withMfa =
    mine.data !== undefined &&
    !mine.data.skip &&
    (mine.data.configured !== null || mine.data.policy.mode === 'required');
  const form = useForm({
    initial: { password: '' },
    schema: confirmPasswordBodySchema.omit({ returnTo: true }),
  });

  const submit = form.handleSubmit(async ({ password }) => {
    const returnTo = `${window.location.pathname}${window.location.search}`;
    const result = await endpoints.reauthenticate(password, returnTo).catch((failure: unknown) => {
      // Issue 13.10: the sign-in's "Incorrect username or password" makes no sense where no username is asked.
      const error = toApiError(failure);
      if (error.code !== 'INVALID_CREDENTIALS') throw failure;
      throw new ApiError(error.status, error.code, 'That password is not correct.', {
        fields: { password: 'That password is not correct. Enter the password you sign in with.' },
      });
    });
    if (result.status === 'mfa_required' && result.redirectTo) {
      setLeaving(true);
      window.location.assign(result.redirectTo);
      return;
    }
    await onConfirmed();
  });

  const busy = form.submitting || leaving;
  return (
    <FormDialog
      title="Confirm your password"
      description={
        withMfa
          ? 'For your protection, confirm your password, then your second step (a Duo push or a code from your app). You come back to this page afterwards: make the change again then.'
          : 'For your protection, confirm your password before this change. You will not be asked again for a few minutes.'
      }
      size="sm"
      form={form}
      onSubmit={submit}
      onClose={onCancel}
      submitLabel="Confirm"
      busy={busy}
      busyText={leaving ? 'Continuing…' : 'Confirming…'}
    >
      <PasswordField label="Password" {...form.text('password')} autoComplete="current-password" />
    </FormDialog>
  );
}
