import type { ProviderField } from '../../../../../../shared/api/providers.ts';
import { CheckboxField, SelectField, TextField } from '../../../../components/Field.tsx';
import { Notice } from '../../../../components/Notice.tsx';
import { PasswordField } from '../../../../components/PasswordField.tsx';
import { isShown, type ProviderFormValues } from './provider-form-values.ts';

interface FieldProps {
  name: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  onBlur: () => void;
}

/**
 * The provider type's own fields, drawn from its description (label, kind, help, placeholder,
 * options, length), in the order the type lists them. Secrets are never prefilled: on an edit the
 * field stays empty and a blank one keeps the stored secret.
 */
export function ProviderTypeFields({
  fields,
  values,
  props,
  editing,
  secretStored,
}: {
  fields: ProviderField[];
  values: ProviderFormValues;
  props: (key: string) => FieldProps;
  editing: boolean;
  secretStored: (key: string) => boolean;
}) {
  return (
    <>
      {fields
        .filter((field) => isShown(field, values))
        .map((field) => {
          const common = props(field.key);
          if (field.kind === 'select') {
            return (
              <div key={field.key} className="form-stack form-stack-tight">
                <SelectField label={field.label} options={field.options ?? []} hint={field.help} {...common} />
                {field.key === 'failMode' && common.value === 'open' && (
                  <Notice tone="warning" title="Fail open lets people in without MFA">
                    While Duo cannot be reached, users (never administrators) sign in with their password alone. Anyone
                    who can cut this server off from Duo — a firewall rule, a DNS change — can then skip the second
                    step. Each such sign-in is audited as "MFA step bypassed". Keep "Deny sign-in" unless availability
                    matters more than this risk.
                  </Notice>
                )}
              </div>
            );
          }
          if (field.kind === 'checkbox') {
            // Fields shown only while it is ticked follow it, set in (see isShown).
            return (
              <CheckboxField
                key={field.key}
                label={field.label}
                name={common.name}
                checked={common.value === 'yes'}
                onChange={(checked) => common.onChange(checked ? 'yes' : 'no')}
                hint={field.help}
              />
            );
          }
          if (field.kind === 'secret') {
            const stored = editing && secretStored(field.key);
            return (
              <PasswordField
                key={field.key}
                label={field.label}
                noun="secret"
                autoComplete="off"
                maxLength={field.maxLength}
                {...(stored && { placeholder: 'Stored — leave blank to keep it' })}
                hint={stored ? `Stored — leave blank to keep it. ${field.help}` : field.help}
                {...common}
              />
            );
          }
          return (
            <TextField
              key={field.key}
              label={field.label}
              hint={field.help}
              maxLength={field.maxLength}
              autoComplete="off"
              spellCheck={false}
              {...(field.placeholder && { placeholder: field.placeholder })}
              {...common}
            />
          );
        })}
    </>
  );
}
