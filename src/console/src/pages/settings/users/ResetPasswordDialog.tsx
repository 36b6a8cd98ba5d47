import { resetPasswordBodySchema, type UserView } from '../../../../../shared/api/users.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { FormDialog } from '../../../components/FormDialog.tsx';
import { Notice } from '../../../components/Notice.tsx';
import { PasswordField } from '../../../components/PasswordField.tsx';
import { useForm } from '../../../forms/use-form.ts';
import { SET_PASSWORD_HINT } from './UserFormDialog.tsx';

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
    <FormDialog
      title={`Reset password of ${user.displayName}`}
      description={
        <>
          Set a new password for <span className="mono">{user.username}</span>.
        </>
      }
      form={form}
      onSubmit={submit}
      onClose={onClose}
      submitLabel="Reset password"
    >
      <Notice tone="warning">
        Every session of {user.displayName} ends right away. Give them the new password through a channel you trust.
      </Notice>
      <PasswordField
        label="New password"
        {...form.text('password')}
        autoComplete="new-password"
        hint={SET_PASSWORD_HINT}
      />
    </FormDialog>
  );
}
