import { z } from 'zod';
import { auditCountSchema } from './audit.ts';
import { booleanSchema, requiredText } from './fields.ts';

/** Syslog facilities (RFC 5424 §6.2.1) an audit trail is usually filed under. */
export const SYSLOG_FACILITIES = {
  auth: 4,
  authpriv: 10,
  audit: 13,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type SyslogFacility = keyof typeof SYSLOG_FACILITIES;

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]+)$/;
const PEM_CERTIFICATE = /^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/;
const PEM_KEY = /^\s*-----BEGIN (?:EC |RSA )?PRIVATE KEY-----[\s\S]+-----END (?:EC |RSA )?PRIVATE KEY-----\s*$/;

const nameSchema = requiredText('Name', { max: 100 });
const hostSchema = requiredText('Host', { max: 253 }).regex(HOST, {
  error: 'Host must be a host name or an IP address, such as syslog.example.com or 192.0.2.10 (no scheme, no port).',
});
const portSchema = z
  .number({ error: 'Port must be a number.' })
  .int({ error: 'Port must be a whole number.' })
  .min(1, { error: 'Port must be from 1 to 65535.' })
  .max(65535, { error: 'Port must be from 1 to 65535.' });
const caPemSchema = z
  .string({ error: 'CA certificates must be text.' })
  .max(20_000, { error: 'CA certificates must be at most 20,000 characters.' })
  .regex(PEM_CERTIFICATE, { error: 'Paste PEM certificates (-----BEGIN CERTIFICATE----- …), or leave this empty.' });
const clientCertSchema = caPemSchema.regex(PEM_CERTIFICATE, {
  error: 'Paste the client certificate as PEM (-----BEGIN CERTIFICATE----- …).',
});
const clientKeySchema = z
  .string({ error: 'The client key must be text.' })
  .max(10_000, { error: 'The client key must be at most 10,000 characters.' })
  .regex(PEM_KEY, { error: 'Paste the client key as unencrypted PEM (-----BEGIN PRIVATE KEY----- …).' });
const facilitySchema = z.enum(Object.keys(SYSLOG_FACILITIES) as [SyslogFacility, ...SyslogFacility[]], {
  error: `Facility must be one of ${Object.keys(SYSLOG_FACILITIES).join(', ')}.`,
});
const urlSchema = requiredText('URL', { max: 2048 }).refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' && !url.username && !url.password && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { error: 'URL must be an https:// address with no user name or password in it (the HMAC key authenticates us).' },
);
export const HMAC_KEY_MIN = 32;
const hmacKeySchema = z
  .string({ error: 'The signing key must be text.' })
  .min(HMAC_KEY_MIN, { error: `The signing key must be at least ${HMAC_KEY_MIN} characters (use Generate).` })
  .max(256, { error: 'The signing key must be at most 256 characters.' });

/** Secrets: sealed at rest, never returned; an edit leaves them as they are unless a new one is given. */
export const DESTINATION_SECRETS = ['hmacKey', 'clientKey'] as const;
export type DestinationSecret = (typeof DESTINATION_SECRETS)[number];

export const syslogConfigSchema = z
  .object({
    host: hostSchema,
    port: portSchema,
    tls: booleanSchema('TLS').default(false),
    caPem: caPemSchema.optional(),
    clientCertPem: clientCertSchema.optional(),
    facility: facilitySchema.default('audit'),
  })
  .strict();
export const webhookConfigSchema = z.object({ url: urlSchema, caPem: caPemSchema.optional() }).strict();
export type SyslogConfig = z.output<typeof syslogConfigSchema>;
export type WebhookConfig = z.output<typeof webhookConfigSchema>;

const SYSLOG_ONLY = ['host', 'port', 'tls', 'facility', 'clientCertPem', 'clientKey'] as const;
const WEBHOOK_ONLY = ['url', 'hmacKey'] as const;
const REQUIRED = { syslog: ['host', 'port'], webhook: ['url', 'hmacKey'] } as const;
const LABELS: Record<string, string> = { host: 'Host', port: 'Port', url: 'URL', hmacKey: 'The signing key' };

/**
 * One flat object (not a union by kind), so that every problem, an unknown field included, is named
 * in one answer; which fields a kind needs (or refuses) is checked after.
 */
export const createDestinationBodySchema = z
  .object({
    kind: z.enum(['syslog', 'webhook'], { error: 'kind must be syslog or webhook.' }),
    name: nameSchema,
    enabled: booleanSchema('Enabled').default(true),
    host: hostSchema.optional(),
    port: portSchema.optional(),
    tls: booleanSchema('TLS').optional(),
    caPem: caPemSchema.optional(),
    clientCertPem: clientCertSchema.optional(),
    clientKey: clientKeySchema.optional(),
    facility: facilitySchema.optional(),
    url: urlSchema.optional(),
    hmacKey: hmacKeySchema.optional(),
  })
  .strict()
  .superRefine((body, context) => {
    for (const field of REQUIRED[body.kind]) {
      if (body[field] === undefined)
        context.addIssue({ code: 'custom', path: [field], message: `${LABELS[field]} is required.` });
    }
    const foreign = body.kind === 'syslog' ? WEBHOOK_ONLY : SYSLOG_ONLY;
    for (const field of foreign) {
      if (body[field] !== undefined)
        context.addIssue({
          code: 'custom',
          path: [field],
          message: `A ${body.kind} destination has no ${field}. Remove it.`,
        });
    }
  });

/** Any field may change but the kind; empty caPem/clientCertPem/clientKey (null) remove them. */
export const updateDestinationBodySchema = z
  .object({
    name: nameSchema.optional(),
    enabled: booleanSchema('Enabled').optional(),
    host: hostSchema.optional(),
    port: portSchema.optional(),
    tls: booleanSchema('TLS').optional(),
    caPem: caPemSchema.nullable().optional(),
    clientCertPem: clientCertSchema.nullable().optional(),
    clientKey: clientKeySchema.nullable().optional(),
    facility: facilitySchema.optional(),
    url: urlSchema.optional(),
    hmacKey: hmacKeySchema.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { error: 'Change at least one field.' });

export const destinationStatusSchema = z.object({
  /** ok: delivering; failing: the last attempt failed, retried at nextAttemptAt; disabled; idle: nothing sent yet. */
  state: z.enum(['ok', 'failing', 'disabled', 'idle']),
  lastDeliveredAt: z.string().nullable(),
  lastDeliveredEventId: z.number().nullable(),
  /** Events committed but not yet delivered. */
  backlog: auditCountSchema,
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  failures: z.number(),
  nextAttemptAt: z.string().nullable(),
});

export const destinationViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.enum(['syslog', 'webhook']),
  enabled: z.boolean(),
  /** Where events go, for lists: "syslog+tls://host:6514" or the webhook URL. */
  target: z.string(),
  config: z.object({
    host: z.string().optional(),
    port: z.number().optional(),
    tls: z.boolean().optional(),
    facility: z.string().optional(),
    url: z.string().optional(),
    caPem: z.string().optional(),
    clientCertPem: z.string().optional(),
  }),
  secretsSet: z.object({ hmacKey: z.boolean(), clientKey: z.boolean() }),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
  status: destinationStatusSchema,
});

export const destinationListResponseSchema = z.object({ items: z.array(destinationViewSchema) });

export const destinationTestResultSchema = z.object({
  ok: z.boolean(),
  message: z.string(),
  /** Milliseconds from connecting to the receiver's answer (webhook) or the write being flushed (syslog). */
  elapsedMs: z.number(),
});

export type CreateDestinationBody = z.infer<typeof createDestinationBodySchema>;
export type UpdateDestinationBody = z.infer<typeof updateDestinationBodySchema>;
export type DestinationView = z.infer<typeof destinationViewSchema>;
export type DestinationStatus = z.infer<typeof destinationStatusSchema>;
export type DestinationTestResult = z.infer<typeof destinationTestResultSchema>;
