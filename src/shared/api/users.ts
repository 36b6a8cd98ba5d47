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
  /** The MFA this user set up, or null. */
  mfa: z
    .object({
      providerId: z.number(),
      providerName: z.string(),
      providerEnabled: z.boolean(),
      configuredAt: z.string(),
      lastUsedAt: z.string().nullable(),
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
    q: z.string().max(100, { error: 'Search must be at most 100 characters.' }).optional(),
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
export type UserSortKey = (typeof USER_SORT_KEYS)[number];
export type UserMfaStateKey = (typeof USER_MFA_STATES)[number];
