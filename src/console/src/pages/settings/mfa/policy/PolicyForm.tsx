import { Link } from 'react-router-dom';
import type { ProviderView } from '../../../../../../shared/api/providers.ts';
import type { MfaPolicyState } from '../../../../api/mfa-endpoints.ts';
import { mfaEndpoints } from '../../../../api/mfa-endpoints.ts';
import { Button } from '../../../../components/Button.tsx';
import { Card } from '../../../../components/Card.tsx';
import { CheckboxField, SelectField } from '../../../../components/Field.tsx';
import { FormError } from '../../../../components/FormError.tsx';
import { RadioGroupField } from '../../../../components/RadioGroupField.tsx';
import { useToast } from '../../../../components/Toast.tsx';
import { type FieldErrors, useForm } from '../../../../forms/use-form.ts';

const MODES = [
  {
    value: 'off',
    label: 'Off',
    description: 'Users sign in with their password. Anyone who set up MFA under My account still uses it.',
  },
  {
    value: 'required',
    label: 'Required for everyone',
    description:
      'Every sign-in needs MFA. Users without it set it up at their next sign-in, with the default provider. Users marked “Skip MFA” are exempt.',
  },
];

export function PolicyForm({
  policy,
  providers,
  onSaved,
}: {
  policy: MfaPolicyState;
  providers: ProviderView[];
  onSaved: () => void;
}) {
  const toast = useToast();
  const form = useForm({
    initial: {
      mode: policy.mode as string,
      defaultProviderId: policy.defaultProviderId?.toString() ?? '',
      allowDuo: policy.allowedTypes.includes('duo'),
      allowTotp: policy.allowedTypes.includes('totp'),
      allowWebauthn: policy.allowedTypes.includes('webauthn'),
      recoveryCodes: policy.recoveryCodes,
      adminPhishingResistant: policy.adminPhishingResistant,
      passwordless: policy.passwordless,
    },
    check: (values): FieldErrors => {
      const errors: FieldErrors = {};
      if (values.mode === 'required' && !values.defaultProviderId)
        errors.defaultProviderId = 'Choose the provider users set up MFA with when it is required.';
      if (!values.allowDuo && !values.allowTotp && !values.allowWebauthn)
        errors.allowedTypes = 'Allow at least one kind of method.';
      return errors;
    },
  });

  const submit = form.handleSubmit(async (values) => {
    const next = await mfaEndpoints.setPolicy({
      mode: values.mode === 'required' ? 'required' : 'off',
      defaultProviderId: values.defaultProviderId ? Number(values.defaultProviderId) : null,
      allowedTypes: [
        ...(values.allowDuo ? ['duo' as const] : []),
        ...(values.allowTotp ? ['totp' as const] : []),
        ...(values.allowWebauthn ? ['webauthn' as const] : []),
      ],
      recoveryCodes: values.recoveryCodes,
      adminPhishingResistant: values.adminPhishingResistant,
      passwordless: values.passwordless,
    });
    toast(next.mode === 'required' ? 'MFA is now required for everyone.' : 'The MFA policy is saved.');
    onSaved();
  });

  const options = [
    { value: '', label: providers.length ? 'None' : 'No enabled provider' },
    ...providers.map((provider) => ({
      value: String(provider.id),
      label: provider.name === provider.typeLabel ? provider.name : `${provider.name} (${provider.typeLabel})`,
    })),
  ];

  return (
    <Card title="Requirement" id="policy-form" description="Changing the policy needs a recent sign-in.">
      <form ref={form.formRef} className="form-stack" onSubmit={submit} noValidate>
        <FormError error={form.formError} />
        <RadioGroupField
          label="Multi-factor authentication"
          name="mode"
          value={form.values.mode}
          onChange={(value) => form.set('mode', value)}
          options={MODES}
          error={form.errors.mode}
        />
        <SelectField
          label="Default provider"
          options={options}
          hint={
            providers.length ? (
              'Users without MFA set it up with this provider. Only enabled providers are listed.'
            ) : (
              <>
                Register and enable one under <Link to="/settings/mfa/providers">MFA › Providers</Link> first.
              </>
            )
          }
          {...form.text('defaultProviderId')}
        />
        <fieldset className="field-group" aria-describedby="allowed-types-hint">
          <legend className="field-label">Methods that count as MFA</legend>
          <CheckboxField
            label="Duo Security"
            name="allowDuo"
            checked={form.values.allowDuo}
            onChange={(checked) => form.set('allowDuo', checked)}
          />
          <CheckboxField
            label="Authenticator app (TOTP)"
            name="allowTotp"
            checked={form.values.allowTotp}
            onChange={(checked) => form.set('allowTotp', checked)}
          />
          <CheckboxField
            label="Security key or passkey (WebAuthn)"
            name="allowWebauthn"
            checked={form.values.allowWebauthn}
            onChange={(checked) => form.set('allowWebauthn', checked)}
          />
          <p className="field-hint" id="allowed-types-hint">
            When MFA is required, only these satisfy it; users holding only another kind set one of these up at their
            next sign-in.
          </p>
          {form.errors.allowedTypes && <p className="field-error">{form.errors.allowedTypes}</p>}
        </fieldset>
        <CheckboxField
          label="Allow recovery codes"
          name="recoveryCodes"
          checked={form.values.recoveryCodes}
          onChange={(checked) => form.set('recoveryCodes', checked)}
          hint="Users may generate ten single-use codes to sign in with when they lose their phone. Each use is audited and shown on the home page."
        />
        <CheckboxField
          label="Administrators must use a security key or passkey"
          name="adminPhishingResistant"
          checked={form.values.adminPhishingResistant}
          onChange={(checked) => form.set('adminPhishingResistant', checked)}
          hint="Phishing-resistant MFA for everyone who can change Portcullis: a Duo push or a code can be relayed by a look-alike site, a key cannot. Refused until at least one administrator holds a key."
        />
        <CheckboxField
          label="Allow passwordless sign-in with a passkey"
          name="passwordless"
          checked={form.values.passwordless}
          onChange={(checked) => form.set('passwordless', checked)}
          hint="“Sign in with a passkey” on the sign-in page: no username or password; the passkey must verify the user (PIN or biometric), which counts as MFA."
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={form.submitting} busyText="Saving…">
            Save policy
          </Button>
        </div>
      </form>
    </Card>
  );
}
