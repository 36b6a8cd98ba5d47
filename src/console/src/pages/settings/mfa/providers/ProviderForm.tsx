import { useState } from 'react';
import type {
  HealthResultView,
  ProviderSaveResponse,
  ProviderTypeView,
  ProviderView,
} from '../../../../../../shared/api/providers.ts';
import { toApiError } from '../../../../api/client.ts';
import { mfaEndpoints } from '../../../../api/mfa-endpoints.ts';
import { Button, ButtonLink } from '../../../../components/Button.tsx';
import { ConfirmDialog } from '../../../../components/ConfirmDialog.tsx';
import { TextField } from '../../../../components/Field.tsx';
import { FormError } from '../../../../components/FormError.tsx';
import { RadioGroupField } from '../../../../components/RadioGroupField.tsx';
import { Spinner } from '../../../../components/Spinner.tsx';
import { useForm } from '../../../../forms/use-form.ts';
import { plural } from '../../../../lib/format.ts';
import { AffectedUsersList } from './AffectedUsersList.tsx';
import { ProviderTypeFields } from './ProviderTypeFields.tsx';
import { CheckResult } from './provider-badges.tsx';
import { checkValues, initialValues, type ProviderFormValues } from './provider-form-values.ts';
import { SaveRefusal } from './SaveRefusal.tsx';
import { useProviderSave } from './use-provider-save.ts';

const ENABLED_OPTIONS = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];

/** "Provider registration" (and its edit): Name, Enabled, then the type's fields, Save and Cancel. */
export function ProviderForm({
  type,
  provider,
  onSaved,
}: {
  type: ProviderTypeView;
  provider?: ProviderView;
  onSaved: (result: ProviderSaveResponse, despiteCheck: boolean) => void;
}) {
  const editing = provider !== undefined;
  const form = useForm<ProviderFormValues>({
    initial: initialValues(type, provider),
    check: (values) => checkValues(type, values, editing),
  });
  const saving = useProviderSave({ type, provider, formRef: form.formRef, onSaved });
  const [test, setTest] = useState<{ running: boolean; result: HealthResultView | null; error: string | null }>({
    running: false,
    result: null,
    error: null,
  });

  const runTest = async () => {
    if (!provider) return;
    setTest({ running: true, result: null, error: null });
    try {
      setTest({ running: false, result: await mfaEndpoints.testProvider(provider.id), error: null });
    } catch (failure) {
      setTest({ running: false, result: null, error: toApiError(failure).message });
    }
  };

  const submit = form.handleSubmit((values) => saving.save(values));
  const field = (key: string) => form.text(key);

  return (
    <form ref={form.formRef} className="card registration-form" onSubmit={submit} noValidate aria-label={type.label}>
      <div className="form-section">
        <FormError error={form.formError} />
        <h2 className="form-section-title">General</h2>
        <TextField
          label="Name"
          {...field('name')}
          maxLength={100}
          autoComplete="off"
          hint="How this provider is listed in Portcullis, e.g. “Duo Security” or “Duo (EU tenant)”."
        />
        <RadioGroupField
          label="Enabled"
          name="enabled"
          value={form.values.enabled ?? 'yes'}
          onChange={(value) => form.set('enabled', value)}
          options={ENABLED_OPTIONS}
          error={form.errors.enabled}
          hint="Only enabled providers are offered to users and used at sign-in. A provider is only enabled with settings Duo accepts."
        />
      </div>
      <div className="form-section">
        <h2 className="form-section-title">{type.label} settings</h2>
        <ProviderTypeFields
          fields={type.fields}
          values={form.values}
          props={field}
          editing={editing}
          secretStored={(key) => provider?.secretsSet[key] === true}
        />
      </div>
      {(test.result || test.error) && (
        <div className="form-section form-section-flat" role="status">
          {test.result ? (
            <CheckResult check={test.result} title="Test connection (saved settings)" />
          ) : (
            <p className="field-error">{test.error}</p>
          )}
        </div>
      )}
      {saving.refusal && (
        <div className="form-section form-section-flat">
          <SaveRefusal
            refusal={saving.refusal}
            busy={form.submitting}
            onSaveAnyway={() => saving.retry({ saveAnyway: true })}
            onSaveDisabled={() => {
              form.set('enabled', 'no');
              saving.retry({ saveAnyway: true, enabled: false });
            }}
          />
        </div>
      )}
      <div className="form-footer">
        <Button type="submit" variant="primary" busy={form.submitting} busyText="Checking the connection with Duo…">
          Save
        </Button>
        {editing && (
          <Button
            icon="plug"
            onClick={runTest}
            busy={test.running}
            busyText="Testing…"
            disabled={form.submitting}
            title="Tests the saved settings (save first to test changes)"
          >
            Test connection
          </Button>
        )}
        <ButtonLink to="/settings/mfa/providers" variant="ghost">
          Cancel
        </ButtonLink>
        {form.submitting && (
          <p className="form-footer-status" role="status">
            <Spinner />
            <span>Duo is checking the Client ID and Client Secret. This can take a few seconds.</span>
          </p>
        )}
      </div>
      {saving.inUse && (
        <ConfirmDialog
          title={`Disable ${provider?.name ?? 'this provider'}?`}
          confirmLabel={`Disable and affect ${plural(saving.inUse.total, 'user')}`}
          busy={form.submitting}
          onConfirm={() => saving.retry({ confirmAffectedUsers: saving.inUse?.total ?? 0 })}
          onCancel={saving.clearInUse}
        >
          <AffectedUsersList
            affected={saving.inUse}
            consequence="While it is disabled they cannot sign in: their second step is unavailable until it is enabled again."
          />
        </ConfirmDialog>
      )}
    </form>
  );
}
