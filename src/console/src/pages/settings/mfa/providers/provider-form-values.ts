import type { ProviderField, ProviderTypeView, ProviderView } from '../../../../../../shared/api/providers.ts';
import type { FieldErrors } from '../../../../forms/use-form.ts';

export type ProviderFormValues = Record<string, string>;

/** Fields that only apply with another field's choice ("Username template" with "Template"), as the type declares. */
export const isShown = (field: ProviderField, values: ProviderFormValues) =>
  !field.showWhen || values[field.showWhen.key] === field.showWhen.equals;

/** Name, Enabled (yes/no), then one value per field of the type: selects start on their first option. */
export function initialValues(type: ProviderTypeView, provider?: ProviderView): ProviderFormValues {
  const values: ProviderFormValues = {
    name: provider?.name ?? '',
    enabled: provider && !provider.enabled ? 'no' : 'yes',
  };
  for (const field of type.fields) {
    const stored = field.kind === 'secret' ? undefined : provider?.values[field.key];
    const empty = field.kind === 'select' ? (field.options?.[0]?.value ?? '') : field.kind === 'checkbox' ? 'no' : '';
    values[field.key] = stored ?? empty;
  }
  return values;
}

/** The choice that shows a field: the option's label ("Template"), or a ticked box's own label. */
function choiceLabel(type: ProviderTypeView, when: { key: string; equals: string }): string {
  const controller = type.fields.find((field) => field.key === when.key);
  if (controller?.kind === 'checkbox') return controller.label;
  return controller?.options?.find((option) => option.value === when.equals)?.label ?? when.equals;
}

/**
 * Quick checks before the round trip: what is required is there. Everything else (formats, lengths
 * Duo insists on) is the server's, which answers field by field with the exact words.
 */
export function checkValues(type: ProviderTypeView, values: ProviderFormValues, editing: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (!values.name?.trim()) errors.name = 'Name is required.';
  for (const field of type.fields) {
    if (!isShown(field, values)) continue;
    const keepsStoredSecret = editing && field.kind === 'secret';
    const value = values[field.key] ?? '';
    // A field shown by another one's choice is required only if it says so ("Admin API hostname" is not).
    if (!field.required || keepsStoredSecret || value.trim() !== '') continue;
    errors[field.key] = field.showWhen
      ? `${field.label} is required with "${choiceLabel(type, field.showWhen)}".`
      : `${field.label} is required.`;
  }
  return errors;
}

/** The values object the API expects; a blank secret is left out on an edit, so the stored one is kept. */
export function valuesBody(type: ProviderTypeView, values: ProviderFormValues, editing: boolean) {
  const body: Record<string, string> = {};
  for (const field of type.fields) {
    const value = values[field.key] ?? '';
    if (field.kind === 'secret' && editing && value === '') continue;
    if (!isShown(field, values)) continue;
    body[field.key] = value;
  }
  return body;
}
