import { z } from 'zod';
import {
  booleanSchema,
  displayNameSchema,
  emailSchema,
  newPasswordSchema,
  pageNumberSchema,
  pageSizeSchema,
  queryBooleanSchema,
  roleSchema,
  usernameSchema,
} from './fields.ts';

/** What the API says about a user: an allow-list, so a password hash can never be serialised. */
export const userViewSchema = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  /** "Skip MFA" (break-glass): set by administrators only. */
  mfaSkip: z.boolean(),
  /** The MFA this user set up (the factor offered first), or null. */
  mfa: z
    .object({
      providerId: z.number(),
      providerName: z.string(),
      providerEnabled: z.boolean(),
      configuredAt: z.string(),
      lastUsedAt: z.string().nullable(),
      /** How many factors the user holds, recovery codes included. */
      factorCount: z.number(),
      /** The kinds of factor held: duo, totp, recovery_codes. */
      methods: z.array(z.string()),
    })
    .nullable(),
});

export const createUserBodySchema = z
  .object({
    username: usernameSchema,
    displayName: displayNameSchema,
    email: emailSchema,
    role: roleSchema.default('user'),
    password: newPasswordSchema,
  })
  .strict();

export const updateUserBodySchema = z
  .object({
    displayName: displayNameSchema.optional(),
    email: emailSchema.optional(),
    role: roleSchema.optional(),
    disabled: booleanSchema('disabled').optional(),
    mfaSkip: booleanSchema('mfaSkip').optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { error: 'Change at least one field.' });

export const resetPasswordBodySchema = z.object({ password: newPasswordSchema }).strict();

export const USER_SORT_KEYS = ['username', 'displayName', 'email', 'role', 'status', 'created', 'lastLogin'] as const;
/** Today's MFA state: set up with a provider, not set up, or exempted by an administrator ("skip MFA"). */
export const USER_MFA_STATES = ['configured', 'not_configured', 'skip'] as const;

export const userListQuerySchema = z
  .object({
    q: z
      .string()
      .max(100, { error: 'Search must be at most 100 characters.' })
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
      .regex(/^[^\u0000-\u001f\u007f]*$/, { error: 'Search cannot contain control characters.' })
      .optional(),
    role: roleSchema.optional(),
    disabled: queryBooleanSchema.optional(),
    mfa: z.enum(USER_MFA_STATES, { error: 'mfa must be configured, not_configured or skip.' }).optional(),
    sort: z.enum(USER_SORT_KEYS, { error: `sort must be one of ${USER_SORT_KEYS.join(', ')}.` }).default('username'),
    order: z.enum(['asc', 'desc'], { error: 'order must be asc or desc.' }).default('asc'),
    page: pageNumberSchema,
    pageSize: pageSizeSchema(30),
  })
  .strict();

export const userListResponseSchema = z.object({
  items: z.array(userViewSchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export type UserView = z.infer<typeof userViewSchema>;
export type CreateUserBody = z.infer<typeof createUserBodySchema>;
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;
export type UserListResponse = z.infer<typeof userListResponseSchema>;

/** Reset MFA: with `removeDevices`, providers that can (Duo with the Admin API) first remove the user's devices there. */
export const resetMfaBodySchema = z
  .object({ removeDevices: booleanSchema('removeDevices').optional() })
  .strict()
  .nullish();

const deviceSchema = z.object({ id: z.string(), description: z.string() });

export const resetMfaResponseSchema = z.object({
  devicesRemoved: z.array(
    z.object({ provider: z.string(), subject: z.string(), known: z.boolean(), devices: z.array(deviceSchema) }),
  ),
});

/** What Reset MFA can do at each provider of the user's methods that holds devices (Duo's phones). */
export const resetMfaPreviewSchema = z.object({
  providers: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      method: z.string(),
      /** The user's name at the provider. */
      subject: z.string(),
      noun: z.string(),
      /** Portcullis can remove them (Duo: the Admin API is set up); otherwise follow `manualSteps`. */
      removable: z.boolean(),
      manualSteps: z.array(z.string()),
    }),
  ),
});

export type ResetMfaPreview = z.infer<typeof resetMfaPreviewSchema>;
export type ResetMfaResponse = z.infer<typeof resetMfaResponseSchema>;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];
export type UserMfaStateKey = (typeof USER_MFA_STATES)[number];
