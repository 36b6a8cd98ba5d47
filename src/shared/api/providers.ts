import { z } from 'zod';
import { booleanSchema, pageNumberSchema, pageSizeSchema, queryBooleanSchema, requiredText } from './fields.ts';

export const providerFieldSchema = z.object({
  key: z.string(),
  label: z.string(),
  /** A checkbox's value is "yes" when ticked, "no" otherwise. */
  kind: z.enum(['text', 'secret', 'select', 'checkbox']),
  help: z.string(),
  placeholder: z.string().optional(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  required: z.boolean(),
  maxLength: z.number(),
  /** Shown (and sent) only while another field has this value, e.g. the template with "Template". */
  showWhen: z.object({ key: z.string(), equals: z.string() }).optional(),
});

export type ProviderField = z.infer<typeof providerFieldSchema>;

/** One entry of the "Select provider" screen, with the form its registration uses. */
export const providerTypeViewSchema = z.object({
  id: z.string(),
  label: z.string(),
  description: z.string(),
  fields: z.array(providerFieldSchema),
});

export const healthStatusSchema = z.enum(['ok', 'invalid_credentials', 'clock_skew', 'unreachable', 'error']);

export const healthResultSchema = z.object({
  status: healthStatusSchema,
  message: z.string(),
  hint: z.string().nullable(),
  cause: z.string().nullable(),
  skewSeconds: z.number().nullable(),
  outage: z.boolean(),
  checkedAt: z.string(),
});

/**
 * A provider as the API shows it. Secrets are write-only: only whether each one is set
 * (`secretsSet.clientSecret: true`), never a value, a prefix or its ciphertext.
 */
export const providerViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  type: z.string(),
  typeLabel: z.string(),
  enabled: z.boolean(),
  endpoint: z.string(),
  values: z.record(z.string(), z.string()),
  secretsSet: z.record(z.string(), z.boolean()),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
  lastCheck: z.object({ status: z.string(), message: z.string(), at: z.string() }).nullable(),
  unusableReason: z.string().nullable(),
  affectedUsers: z.number(),
  /** The providers file `provider apply` manages it from; console edits are overwritten at the next apply. */
  managedBy: z.string().nullable(),
});

const valuesSchema = z.record(z.string(), z.unknown(), { error: 'values must be an object of the provider fields.' });

export const createProviderBodySchema = z
  .object({
    type: requiredText('Provider', { max: 32 }),
    // Emptiness is checked with the provider's own fields, so one answer lists every problem.
    name: z.string({ error: 'Name must be text.' }).max(100, { error: 'Name must be at most 100 characters.' }),
    enabled: booleanSchema('Enabled'),
    values: valuesSchema,
    /** The administrator saw a failed connection test and saves regardless (never enables bad credentials). */
    saveAnyway: z.boolean({ error: 'saveAnyway must be true or false.' }).optional(),
  })
  .strict();

export const updateProviderBodySchema = z
  .object({
    name: z
      .string({ error: 'Name must be text.' })
      .max(100, { error: 'Name must be at most 100 characters.' })
      .optional(),
    enabled: booleanSchema('Enabled').optional(),
    values: valuesSchema.optional(),
    saveAnyway: z.boolean({ error: 'saveAnyway must be true or false.' }).optional(),
    /** Disabling a provider users depend on: the count the administrator was shown and accepted. */
    confirmAffectedUsers: z.number({ error: 'confirmAffectedUsers must be a number.' }).int().min(0).optional(),
  })
  .strict();

export const confirmAffectedBodySchema = z
  .object({
    confirmAffectedUsers: z.number({ error: 'confirmAffectedUsers must be a number.' }).int().min(0).optional(),
  })
  .strict()
  .nullish();

export const providerListQuerySchema = z
  .object({
    id: z.coerce
      .number({ error: 'id must be a number.' })
      .int({ error: 'id must be a whole number.' })
      .positive({ error: 'id must be positive.' })
      .optional(),
    name: z.string().max(100, { error: 'name must be at most 100 characters.' }).optional(),
    type: z.string().max(32).optional(),
    enabled: queryBooleanSchema.optional(),
    sort: z
      .enum(['id', 'name', 'type', 'enabled', 'created', 'lastCheck'], {
        error: 'sort must be id, name, type, enabled, created or lastCheck.',
      })
      .default('id'),
    order: z.enum(['asc', 'desc'], { error: 'order must be asc or desc.' }).default('asc'),
    page: pageNumberSchema,
    pageSize: pageSizeSchema(30),
  })
  .strict();

export const providerListResponseSchema = z.object({
  items: z.array(providerViewSchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export const providerSaveResponseSchema = z.object({
  provider: providerViewSchema,
  check: healthResultSchema.nullable(),
});

export const dependentsResponseSchema = z.object({ total: z.number(), usernames: z.array(z.string()) });

export type ProviderTypeView = z.infer<typeof providerTypeViewSchema>;
export type ProviderView = z.infer<typeof providerViewSchema>;
export type HealthResultView = z.infer<typeof healthResultSchema>;
export type CreateProviderBody = z.infer<typeof createProviderBodySchema>;
export type UpdateProviderBody = z.infer<typeof updateProviderBodySchema>;
export type ProviderListResponse = z.infer<typeof providerListResponseSchema>;
export type ProviderSaveResponse = z.infer<typeof providerSaveResponseSchema>;
