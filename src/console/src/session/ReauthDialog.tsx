import { confirmPasswordBodySchema } from '../../../shared/api/session.ts';
import { endpoints } from '../api/endpoints.ts';
import { Button } from '../components/Button.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { FormError } from '../components/FormError.tsx';
import { PasswordField } from '../components/PasswordField.tsx';
import { useForm } from '../forms/use-form.ts';

/** "Confirm your password": the server wants a recent sign-in before a sensitive change. */
export function ReauthDialog({ onConfirmed, onCancel }: { onConfirmed: () => Promise<void>; onCancel: () => void }) {
  const form = useForm({
    initial: { password: '' },
    schema: confirmPasswordBodySchema,
    codeFields: { INVALID_CREDENTIALS: 'password' },
  });

  const submit = form.handleSubmit(async ({ password }) => {
    await endpoints.reauthenticate(password);
    await onConfirmed();
  });

  return (
    <Dialog
      title="Confirm your password"
      description="For your protection, confirm your password before this change. You will not be asked again for a few minutes."
      size="sm"
      onClose={onCancel}
      dismissible={!form.submitting}
      onSubmit={submit}
      formRef={form.formRef}
      footer={
        <>
          <Button onClick={onCancel} disabled={form.submitting}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={form.submitting} busyText="Confirming…">
            Confirm
          </Button>
        </>
      }
    >
      <FormError error={form.formError} />
      <PasswordField label="Password" {...form.text('password')} autoComplete="current-password" />
    </Dialog>
  );
}
