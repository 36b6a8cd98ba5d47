import { z } from 'zod';
import {
  displayNameSchema,
  emailSchema,
  newPasswordSchema,
  passwordInputSchema,
  requiredText,
  usernameSchema,
} from './fields.ts';
import { userViewSchema } from './users.ts';

export const loginBodySchema = z
  .object({
    username: requiredText('Username', { max: 64 }).toLowerCase(),
    password: passwordInputSchema,
    returnTo: z.string().max(512).optional(),
    _csrf: z.string().max(256).optional(),
  })
  .strict();

export const sessionInfoSchema = z.object({
  authenticated: z.boolean(),
  csrfToken: z.string(),
  setupRequired: z.boolean(),
  user: userViewSchema.nullable(),
  session: z
    .object({
      authLevel: z.enum(['password', 'mfa', 'single_factor_bypass']),
      createdAt: z.string(),
      expiresAt: z.string(),
      idleExpiresAt: z.string(),
      fresh: z.boolean(),
    })
    .nullable(),
  /** Why the session cookie this browser sent was refused, if it was. */
  sessionEnded: z.enum(['idle', 'absolute', 'user_disabled']).nullable(),
  sessionLimits: z.object({ idleMinutes: z.number(), absoluteHours: z.number() }),
});

export const loginResponseSchema = z.object({
  status: z.enum(['signed_in', 'mfa_required']),
  redirectTo: z.string(),
});

export const setupBodySchema = z
  .object({
    token: requiredText('Setup token', { max: 256 }),
    username: usernameSchema,
    displayName: displayNameSchema,
    email: emailSchema,
    password: newPasswordSchema,
  })
  .strict();

export const changePasswordBodySchema = z
  .object({
    currentPassword: passwordInputSchema,
    newPassword: newPasswordSchema,
    endOtherSessions: z.boolean({ error: 'endOtherSessions must be true or false.' }).default(true),
  })
  .strict();

export const confirmPasswordBodySchema = z
  .object({ password: passwordInputSchema, returnTo: z.string().max(512).optional() })
  .strict();

/** With MFA set up, re-authentication continues at the provider: the console navigates to redirectTo. */
export const reauthenticateResponseSchema = z.object({
  status: z.enum(['reauthenticated', 'mfa_required']),
  redirectTo: z.string().nullable(),
});

export const mySessionSchema = z.object({
  id: z.string(),
  current: z.boolean(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  authLevel: z.string(),
});

export type SessionInfo = z.infer<typeof sessionInfoSchema>;
export type LoginBody = z.infer<typeof loginBodySchema>;
export type SetupBody = z.infer<typeof setupBodySchema>;
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;
export type MySession = z.infer<typeof mySessionSchema>;
