import { PASSWORD_MIN } from '../../../../../shared/api/fields.ts';
import { type CreateUserBody, createUserBodySchema, type UserView } from '../../../../../shared/api/users.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { SelectField, TextField } from '../../../components/Field.tsx';
import { FormDialog } from '../../../components/FormDialog.tsx';
import { PasswordField } from '../../../components/PasswordField.tsx';
import { useForm } from '../../../forms/use-form.ts';

const ROLE_OPTIONS = [
  { value: 'user', label: 'User' },
  { value: 'administrator', label: 'Administrator' },
];

/** Under a password an administrator sets for someone (Add user, Reset password). */
export const SET_PASSWORD_HINT = `At least ${PASSWORD_MIN} characters. Ask them to change it under My account after signing in.`;

const ROLE_HINT = 'Administrators can open Settings: manage users and read the audit log.';

export function CreateUserDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (user: UserView) => void }) {
  const form = useForm({
    initial: { username: '', displayName: '', email: '', role: 'user', password: '' },
    schema: createUserBodySchema,
    codeFields: { USERNAME_TAKEN: 'username' },
  });

  const submit = form.handleSubmit(async (_values, parsed) => {
    onCreated(await endpoints.createUser(parsed as CreateUserBody));
  });

  return (
    <FormDialog
      title="Add user"
      description="They sign in with this username and the password you set. Share the password through a channel you trust."
      form={form}
      onSubmit={submit}
      onClose={onClose}
      submitLabel="Add user"
    >
      <div className="form-row">
        <TextField label="Username" {...form.text('username')} autoComplete="off" spellCheck={false} maxLength={64} />
        <TextField label="Display name" {...form.text('displayName')} autoComplete="off" maxLength={100} />
      </div>
      <TextField label="Email" type="email" {...form.text('email')} autoComplete="off" spellCheck={false} />
      <SelectField label="Role" options={ROLE_OPTIONS} hint={ROLE_HINT} {...form.text('role')} />
      <PasswordField label="Password" {...form.text('password')} autoComplete="new-password" hint={SET_PASSWORD_HINT} />
    </FormDialog>
  );
}

const editSchema = createUserBodySchema.pick({ displayName: true, email: true, role: true });

export function EditUserDialog({
  user,
  isSelf,
  onClose,
  onSaved,
}: {
  user: UserView;
  isSelf: boolean;
  onClose: () => void;
  onSaved: (user: UserView | null) => void;
}) {
  const form = useForm({
    initial: { displayName: user.displayName, email: user.email, role: user.role as string },
    schema: editSchema,
    codeFields: { CANNOT_CHANGE_OWN_ACCOUNT: 'role', LAST_ADMINISTRATOR: 'role' },
  });

  const submit = form.handleSubmit(async (_values, parsed) => {
    const next = parsed as { displayName: string; email: string; role: 'administrator' | 'user' };
    const changes = {
      ...(next.displayName !== user.displayName && { displayName: next.displayName }),
      ...(next.email !== user.email && { email: next.email }),
      ...(next.role !== user.role && { role: next.role }),
    };
    onSaved(Object.keys(changes).length ? await endpoints.updateUser(user.id, changes) : null);
  });

  return (
    <FormDialog
      title={`Edit ${user.displayName}`}
      description={
        <>
          Username <span className="mono">{user.username}</span> cannot be changed.
        </>
      }
      form={form}
      onSubmit={submit}
      onClose={onClose}
      submitLabel="Save changes"
    >
      <TextField label="Display name" {...form.text('displayName')} autoComplete="off" maxLength={100} />
      <TextField label="Email" type="email" {...form.text('email')} autoComplete="off" spellCheck={false} />
      <SelectField
        label="Role"
        options={ROLE_OPTIONS}
        disabled={isSelf}
        hint={isSelf ? 'You cannot change your own role. Ask another administrator.' : ROLE_HINT}
        {...form.text('role')}
      />
    </FormDialog>
  );
}
