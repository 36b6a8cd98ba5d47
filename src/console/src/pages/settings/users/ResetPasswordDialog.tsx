import { PASSWORD_MIN } from '../../../../../shared/api/fields.ts';
import { resetPasswordBodySchema, type UserView } from '../../../../../shared/api/users.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { Button } from '../../../components/Button.tsx';
import { Dialog } from '../../../components/Dialog.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { Notice } from '../../../components/Notice.tsx';
import { PasswordField } from '../../../components/PasswordField.tsx';
import { useForm } from '../../../forms/use-form.ts';

export function ResetPasswordDialog({
  user,
  onClose,
  onDone,
}: {
  user: UserView;
  onClose: () => void;
  onDone: () => void;
}) {
  const form = useForm({ initial: { password: '' }, schema: resetPasswordBodySchema });

  const submit = form.handleSubmit(async ({ password }) => {
    await endpoints.resetPassword(user.id, password);
    onDone();
  });

  return (
    <Dialog
      title={`Reset password of ${user.displayName}`}
      description={
        <>
          Set a new password for <span className="mono">{user.username}</span>.
        </>
      }
      onClose={onClose}
      dismissible={!form.submitting}
      onSubmit={submit}
      formRef={form.formRef}
      footer={
        <>
          <Button onClick={onClose} disabled={form.submitting}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={form.submitting} busyText="Saving…">
            Reset password
          </Button>
        </>
      }
    >
      <FormError error={form.formError} />
      <Notice tone="warning">
        Every session of {user.displayName} ends right away. Give them the new password through a channel you trust.
      </Notice>
      <PasswordField
        label="New password"
        {...form.text('password')}
        autoComplete="new-password"
        hint={`At least ${PASSWORD_MIN} characters. Ask them to change it under My account after signing in.`}
      />
    </Dialog>
  );
}
