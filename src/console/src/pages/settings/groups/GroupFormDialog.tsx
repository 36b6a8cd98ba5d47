import { createGroupBodySchema, type GroupMfaPolicy, type GroupView } from '../../../../../shared/api/groups.ts';
import { accessEndpoints } from '../../../api/access-endpoints.ts';
import { TextField } from '../../../components/Field.tsx';
import { FormDialog } from '../../../components/FormDialog.tsx';
import { RadioGroupField } from '../../../components/RadioGroupField.tsx';
import { useForm } from '../../../forms/use-form.ts';
import { MFA_POLICY_OPTIONS } from './group-badges.tsx';

/** Add a group, or rename one and change its MFA policy: one dialog, the same checks as the server. */
export function GroupFormDialog({
  group,
  onClose,
  onSaved,
}: {
  group?: Pick<GroupView, 'id' | 'name' | 'description' | 'mfaPolicy'>;
  onClose: () => void;
  onSaved: (saved: { id: number; name: string }) => void;
}) {
  const form = useForm({
    initial: {
      name: group?.name ?? '',
      description: group?.description ?? '',
      mfaPolicy: (group?.mfaPolicy ?? 'inherit') as string,
    },
    schema: createGroupBodySchema,
    codeFields: { GROUP_NAME_TAKEN: 'name' },
  });

  const submit = form.handleSubmit(async (values) => {
    const body = {
      name: values.name.trim(),
      description: values.description.trim(),
      mfaPolicy: values.mfaPolicy as GroupMfaPolicy,
    };
    if (!group) {
      onSaved(await accessEndpoints.createGroup(body));
      return;
    }
    const changes = {
      ...(body.name !== group.name && { name: body.name }),
      ...(body.description !== group.description && { description: body.description }),
      ...(body.mfaPolicy !== group.mfaPolicy && { mfaPolicy: body.mfaPolicy }),
    };
    onSaved(Object.keys(changes).length ? await accessEndpoints.updateGroup(group.id, changes) : group);
  });

  return (
    <FormDialog
      title={group ? `Edit ${group.name}` : 'Add group'}
      description="Access rules of applications name groups; each group may also change the MFA requirement of its members."
      form={form}
      onSubmit={submit}
      onClose={onClose}
      submitLabel={group ? 'Save changes' : 'Add group'}
    >
      <TextField
        label="Name"
        {...form.text('name')}
        autoComplete="off"
        maxLength={64}
        hint="Sent to applications in Remote-Groups, e.g. “admins”."
      />
      <TextField label="Description" {...form.text('description')} autoComplete="off" maxLength={300} optional />
      <RadioGroupField
        label="MFA for members"
        name="mfaPolicy"
        value={form.values.mfaPolicy}
        onChange={(value) => form.set('mfaPolicy', value)}
        options={MFA_POLICY_OPTIONS}
        error={form.errors.mfaPolicy}
      />
    </FormDialog>
  );
}
