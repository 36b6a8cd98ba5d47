import {
  type CreateDestinationBody,
  type DestinationView,
  SYSLOG_FACILITIES,
} from '../../../../../shared/api/audit-forwarding.ts';
import { forwardingEndpoints } from '../../../api/audit-endpoints.ts';
import { Button } from '../../../components/Button.tsx';
import { CheckboxField, SelectField, TextField } from '../../../components/Field.tsx';
import { FormDialog } from '../../../components/FormDialog.tsx';
import { PasswordField } from '../../../components/PasswordField.tsx';
import { RadioGroupField } from '../../../components/RadioGroupField.tsx';
import { TextAreaField } from '../../../components/TextAreaField.tsx';
import { useForm } from '../../../forms/use-form.ts';
import {
  checkCreate,
  checkUpdate,
  createBodyOf,
  type DestinationFormValues,
  generateSigningKey,
  NEW_DESTINATION,
  updateBodyOf,
  valuesOf,
} from './destination-form-values.ts';

const KINDS = [
  {
    value: 'syslog',
    label: 'Syslog',
    description: 'RFC 5424 over TCP or TLS, one JSON event per message: rsyslog, syslog-ng, most SIEM collectors.',
  },
  {
    value: 'webhook',
    label: 'HTTPS webhook',
    description: 'One POST per event, signed with HMAC-SHA256 so the receiver can check it came from here.',
  },
];

const FACILITIES = Object.entries(SYSLOG_FACILITIES).map(([name, code]) => ({
  value: name,
  label: `${name} (${code})`,
}));

const PEM_HINT = 'PEM. When set, only these certificates are trusted for the receiver (not the system ones).';

/**
 * Add or edit a destination. Secrets (the signing key, a client key) are write-only: when editing,
 * leave them empty to keep the stored ones. Nothing is saved until every field is valid.
 */
export function DestinationFormDialog({
  destination,
  onClose,
  onSaved,
}: {
  destination?: DestinationView;
  onClose: () => void;
  onSaved: (saved: DestinationView, created: boolean) => void;
}) {
  const editing = destination !== undefined;
  const form = useForm<DestinationFormValues>({
    initial: destination ? valuesOf(destination) : NEW_DESTINATION,
    check: (values) => (destination ? checkUpdate(values, destination) : checkCreate(values)),
    codeFields: { DESTINATION_NAME_TAKEN: 'name' },
  });
  const { values } = form;
  const keep = (set: boolean | undefined) =>
    editing && set ? 'Set. Leave empty to keep it; type a new one to replace it.' : undefined;

  const submit = form.handleSubmit(async (current) => {
    if (destination) {
      const body = updateBodyOf(current, destination);
      if (Object.keys(body).length === 0) return onClose();
      onSaved(await forwardingEndpoints.update(destination.id, body), false);
    } else {
      onSaved(await forwardingEndpoints.create(createBodyOf(current) as CreateDestinationBody), true);
    }
  });

  return (
    <FormDialog
      title={editing ? `Edit ${destination.name}` : 'Add destination'}
      description={
        editing
          ? 'Changes apply to the next delivery. A failing destination is retried at once after a change.'
          : 'Events committed from now on are delivered here, each once, even while it is briefly down.'
      }
      form={form}
      onSubmit={submit}
      onClose={onClose}
      submitLabel={editing ? 'Save changes' : 'Add destination'}
    >
      {!editing && (
        <RadioGroupField
          label="Kind"
          name="kind"
          value={values.kind}
          options={KINDS}
          onChange={(kind) => form.set('kind', kind as DestinationFormValues['kind'])}
        />
      )}
      <TextField label="Name" {...form.text('name')} autoComplete="off" maxLength={100} placeholder="SIEM" />
      {values.kind === 'syslog' ? (
        <>
          <div className="form-row">
            <TextField
              label="Host"
              {...form.text('host')}
              autoComplete="off"
              spellCheck={false}
              placeholder="syslog.example.com"
            />
            <TextField label="Port" {...form.text('port')} autoComplete="off" maxLength={5} />
          </div>
          <CheckboxField
            label="TLS (RFC 5425)"
            name="tls"
            checked={values.tls}
            onChange={(tls) => {
              form.set('tls', tls);
              if (values.port === (tls ? '514' : '6514')) form.set('port', tls ? '6514' : '514');
            }}
            hint="Encrypts the events and checks the receiver's certificate. Plain TCP only on a network you trust."
          />
          <SelectField
            label="Facility"
            options={FACILITIES}
            {...form.text('facility')}
            hint="audit (13) is RFC 5424's log audit."
          />
          {values.tls && (
            <>
              <TextAreaField label="CA certificates" optional hint={PEM_HINT} {...form.text('caPem')} />
              <TextAreaField
                label="Client certificate"
                optional
                hint="For receivers that require mutual TLS (PEM)."
                {...form.text('clientCertPem')}
              />
              <PasswordField
                label="Client key"
                noun="client key"
                autoComplete="off"
                {...form.text('clientKey')}
                hint={keep(destination?.secretsSet.clientKey) ?? 'Unencrypted PEM. Stored sealed; never shown again.'}
              />
            </>
          )}
        </>
      ) : (
        <>
          <TextField
            label="URL"
            {...form.text('url')}
            autoComplete="off"
            spellCheck={false}
            placeholder="https://siem.example.com/portcullis"
          />
          <div className="field-with-action">
            <PasswordField
              label="Signing key"
              noun="signing key"
              autoComplete="off"
              {...form.text('hmacKey')}
              hint={
                keep(destination?.secretsSet.hmacKey) ??
                'The receiver checks X-Portcullis-Signature with it. Stored sealed; never shown again: copy it now.'
              }
            />
            <Button size="sm" icon="key" onClick={() => form.set('hmacKey', generateSigningKey())}>
              Generate
            </Button>
          </div>
          <TextAreaField label="CA certificates" optional hint={PEM_HINT} {...form.text('caPem')} />
        </>
      )}
      <CheckboxField
        label="Enabled"
        name="enabled"
        checked={values.enabled}
        onChange={(enabled) => form.set('enabled', enabled)}
        hint="A disabled destination receives nothing; what was waiting for it is dropped."
      />
    </FormDialog>
  );
}
