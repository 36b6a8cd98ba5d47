import { PASSWORD_MIN } from '../../../../shared/api/fields.ts';
import { changePasswordBodySchema } from '../../../../shared/api/session.ts';
import { endpoints } from '../../api/endpoints.ts';
import { Button } from '../../components/Button.tsx';
import { Card } from '../../components/Card.tsx';
import { CheckboxField } from '../../components/Field.tsx';
import { FormError } from '../../components/FormError.tsx';
import { PasswordField } from '../../components/PasswordField.tsx';
import { useToast } from '../../components/Toast.tsx';
import { type FieldErrors, useForm } from '../../forms/use-form.ts';
import { plural } from '../../lib/format.ts';
import { useSession } from '../../session/session-context.ts';

const INITIAL = { currentPassword: '', newPassword: '', endOtherSessions: true };

export function ChangePasswordCard({ onSessionsChanged }: { onSessionsChanged: () => void }) {
  const toast = useToast();
  const { refresh } = useSession();
  const form = useForm({
    initial: INITIAL,
    schema: changePasswordBodySchema,
    check: (values): FieldErrors =>
      values.newPassword !== '' && values.newPassword === values.currentPassword
        ? { newPassword: 'Choose a new password that differs from your current one.' }
        : {},
    codeFields: { CURRENT_PASSWORD_WRONG: 'currentPassword' },
  });

  const submit = form.handleSubmit(async (values) => {
    const { otherSessionsEnded } = await endpoints.changePassword(values);
    form.reset(INITIAL);
    await refresh();
    toast(
      otherSessionsEnded > 0
        ? `Your password is changed. ${plural(otherSessionsEnded, 'other session')} signed out.`
        : 'Your password is changed.',
    );
    if (otherSessionsEnded > 0) onSessionsChanged();
  });

  return (
    <Card title="Change password" id="password" description="You stay signed in here after the change.">
      <form ref={form.formRef} className="form-stack" onSubmit={submit} noValidate>
        <FormError error={form.formError} />
        <PasswordField label="Current password" {...form.text('currentPassword')} autoComplete="current-password" />
        <PasswordField
          label="New password"
          {...form.text('newPassword')}
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN} characters. Common passwords and your username are refused.`}
        />
        <CheckboxField
          label="Also sign out my other sessions"
          name="endOtherSessions"
          checked={form.values.endOtherSessions}
          onChange={(checked) => form.set('endOtherSessions', checked)}
          hint="Recommended if you think someone else knows your old password."
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={form.submitting} busyText="Saving…">
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}
