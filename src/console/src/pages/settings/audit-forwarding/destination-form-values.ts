import {
  createDestinationBodySchema,
  type DestinationView,
  type UpdateDestinationBody,
  updateDestinationBodySchema,
} from '../../../../../shared/api/audit-forwarding.ts';
import type { FieldErrors } from '../../../forms/use-form.ts';

/** The form's values: text and flags, as inputs hold them; the body is built from them on submit. */
export interface DestinationFormValues extends Record<string, string | boolean> {
  kind: 'syslog' | 'webhook';
  name: string;
  enabled: boolean;
  host: string;
  port: string;
  tls: boolean;
  facility: string;
  caPem: string;
  clientCertPem: string;
  clientKey: string;
  url: string;
  hmacKey: string;
}

export const NEW_DESTINATION: DestinationFormValues = {
  kind: 'syslog',
  name: '',
  enabled: true,
  host: '',
  port: '6514',
  tls: true,
  facility: 'audit',
  caPem: '',
  clientCertPem: '',
  clientKey: '',
  url: '',
  hmacKey: '',
};

export function valuesOf(view: DestinationView): DestinationFormValues {
  return {
    ...NEW_DESTINATION,
    kind: view.kind,
    name: view.name,
    enabled: view.enabled,
    host: view.config.host ?? '',
    port: view.config.port === undefined ? '' : String(view.config.port),
    tls: view.config.tls ?? false,
    facility: view.config.facility ?? 'audit',
    caPem: view.config.caPem ?? '',
    clientCertPem: view.config.clientCertPem ?? '',
    url: view.config.url ?? '',
  };
}

const port = (text: string) =>
  /^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim() === '' ? undefined : Number.NaN;
const optional = (text: string) => (text.trim() ? text.trim() : undefined);

export function createBodyOf(values: DestinationFormValues): Record<string, unknown> {
  const common = { kind: values.kind, name: values.name, enabled: values.enabled };
  if (values.kind === 'webhook') {
    return { ...common, url: values.url.trim(), caPem: optional(values.caPem), hmacKey: values.hmacKey };
  }
  return {
    ...common,
    host: values.host.trim(),
    port: port(values.port),
    tls: values.tls,
    facility: values.facility,
    caPem: optional(values.caPem),
    clientCertPem: optional(values.clientCertPem),
    clientKey: optional(values.clientKey),
  };
}

/** Only what changed; a secret only when a new one was typed; an emptied certificate is removed (null). */
export function updateBodyOf(values: DestinationFormValues, before: DestinationView): UpdateDestinationBody {
  const was = valuesOf(before);
  const body: Record<string, unknown> = {};
  if (values.name !== was.name) body.name = values.name;
  if (values.enabled !== was.enabled) body.enabled = values.enabled;
  const keys =
    values.kind === 'webhook'
      ? (['url', 'caPem'] as const)
      : (['host', 'port', 'tls', 'facility', 'caPem', 'clientCertPem'] as const);
  for (const key of keys) {
    if (values[key] === was[key]) continue;
    if (key === 'port') body.port = port(values.port);
    else if (typeof values[key] === 'boolean') body[key] = values[key];
    else body[key] = optional(values[key] as string) ?? (key === 'caPem' || key === 'clientCertPem' ? null : '');
  }
  if (values.kind === 'webhook' && values.hmacKey) body.hmacKey = values.hmacKey;
  if (values.kind === 'syslog' && values.clientKey) body.clientKey = values.clientKey;
  return body as UpdateDestinationBody;
}

/** The shared schema's messages, per field (the server sends the same words). */
export function checkCreate(values: DestinationFormValues): FieldErrors {
  return issues(createDestinationBodySchema.safeParse(createBodyOf(values)));
}

export function checkUpdate(values: DestinationFormValues, before: DestinationView): FieldErrors {
  const body = updateBodyOf(values, before);
  return Object.keys(body).length === 0 ? {} : issues(updateDestinationBodySchema.safeParse(body));
}

function issues(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) {
  const errors: FieldErrors = {};
  if (result.success) return errors;
  for (const issue of result.error?.issues ?? []) errors[String(issue.path[0] ?? '_')] ??= issue.message;
  return errors;
}

/** 32 random bytes as base64url (43 characters): a signing key to paste into the receiver too. */
export function generateSigningKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}
