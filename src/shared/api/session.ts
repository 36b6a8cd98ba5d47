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
      /** When the user last proved who they are (the session's auth time). */
      authenticatedAt: z.string(),
      /** RFC 8176 methods this session was opened with: pwd, mfa, otp, swk, … */
      amr: z.array(z.string()),
      /** Opened with a recovery code: how many codes the user has left (else null). */
      recoveryCodesLeft: z.number().nullable(),
      /** Opened with a phishing-resistant method (a security key or passkey). */
      phishingResistant: z.boolean(),
    })
    .nullable(),
  /** Why the session cookie this browser sent was refused, if it was. */
  sessionEnded: z.enum(['idle', 'absolute', 'user_disabled']).nullable(),
  sessionLimits: z.object({ idleMinutes: z.number(), absoluteHours: z.number() }),
  /** The sign-in page offers "Sign in with a passkey" (the policy allows it, a security-key provider exists). */
  passkeys: z.boolean(),
});

export const loginResponseSchema = z.object({
  status: z.enum(['signed_in', 'mfa_required']),
  /** A provider's prompt (a full-page navigation), the page to type a code on, or where to go once signed in. */
  redirectTo: z.string(),
});

const factorChoiceSchema = z.object({
  factorId: z.string().nullable(),
  type: z.string(),
  label: z.string(),
  method: z.string(),
});

/** The verify page: one open second-factor step of this browser. Never holds a secret but the new app's own key. */
export const challengeViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['redirect', 'code', 'enrol_code', 'ceremony']),
  purpose: z.enum(['sign_in', 'configure', 'reauthenticate', 'step_up']),
  factor: factorChoiceSchema,
  alternatives: z.array(factorChoiceSchema),
  digits: z.number().nullable(),
  attemptsLeft: z.number(),
  expiresAt: z.string(),
  /** Setting up an authenticator app: the QR code (SVG), its otpauth:// URI and the key in groups of four. */
  enrolment: z
    .object({ uri: z.string(), secretGroups: z.array(z.string()), qrSvg: z.string(), issuer: z.string() })
    .nullable(),
  /** The method tried first, unavailable right now (so this one is offered instead). */
  unavailable: z.string().nullable(),
  /** A security key: the options the browser passes to navigator.credentials.create() or .get(). */
  ceremony: z
    .object({ mode: z.enum(['register', 'authenticate']), options: z.record(z.string(), z.unknown()) })
    .nullable(),
});

/** A WebAuthn response as @simplewebauthn/browser produces it (the library checks its parts). */
const webauthnResponseSchema = z
  .object(
    {
      id: z.string().max(1400),
      rawId: z.string().max(1400),
      type: z.literal('public-key', { error: 'type must be "public-key".' }),
      response: z.record(z.string(), z.unknown()),
      clientExtensionResults: z.record(z.string(), z.unknown()).optional(),
      authenticatorAttachment: z.string().max(32).optional(),
    },
    { error: 'response must be the object your browser returned.' },
  )
  .passthrough();

export const ceremonyAnswerBodySchema = z
  .object({
    response: webauthnResponseSchema,
    /** Registering a key: the name the user gives it ("YubiKey (desk)"). */
    label: z.string().max(60, { error: 'The name must be at most 60 characters.' }).optional(),
  })
  .strict();

export const passkeyStartBodySchema = z.object({ returnTo: z.string().max(512).optional() }).strict();
export const passkeyStartResponseSchema = z.object({
  challengeId: z.string(),
  options: z.record(z.string(), z.unknown()),
});
export const passkeyAnswerBodySchema = z.object({ response: webauthnResponseSchema }).strict();

export const codeAnswerBodySchema = z
  .object({
    code: requiredText('Code', { max: 64 }),
    /** Setting up an authenticator app: the name the user gives it ("Phone"). */
    label: z.string().max(60, { error: 'The name must be at most 60 characters.' }).optional(),
    _csrf: z.string().max(256).optional(),
  })
  .strict();

export const chooseFactorBodySchema = z
  .object({ factorId: requiredText('Method', { max: 64 }), _csrf: z.string().max(256).optional() })
  .strict();

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
export type ChallengeView = z.infer<typeof challengeViewSchema>;
export type LoginBody = z.infer<typeof loginBodySchema>;
export type SetupBody = z.infer<typeof setupBodySchema>;
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;
export type MySession = z.infer<typeof mySessionSchema>;
