import { z } from 'zod';

export const factorViewSchema = z.object({
  id: z.string(),
  type: z.string(),
  /** What kind of method it is: "Duo Security", "Authenticator app". */
  method: z.string(),
  label: z.string(),
  provider: z.object({ id: z.number(), name: z.string(), enabled: z.boolean() }).nullable(),
  isDefault: z.boolean(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  remaining: z.number().nullable(),
  /** Security keys: the model (when its AAGUID is known), a synced passkey or not, a suspected clone. */
  key: z
    .object({
      model: z.string().nullable(),
      aaguid: z.string().nullable(),
      synced: z.boolean(),
      cloneSuspectedAt: z.string().nullable(),
    })
    .nullable(),
});

export const myMfaSchema = z.object({
  /** The method offered first at sign-in, or null when none is set up. */
  configured: z
    .object({
      providerId: z.number(),
      providerName: z.string(),
      providerEnabled: z.boolean(),
      configuredAt: z.string(),
      lastUsedAt: z.string().nullable(),
      factorCount: z.number(),
      methods: z.array(z.string()),
    })
    .nullable(),
  /** Every method I hold (recovery codes apart). */
  factors: z.array(factorViewSchema),
  recoveryCodes: z.object({ id: z.string(), remaining: z.number(), createdAt: z.string() }).nullable(),
  /** Providers I may add a method with (enabled, allowed by the policy, not failing). */
  providers: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      typeLabel: z.string(),
      type: z.string(),
      method: z.string(),
      /** How setting it up works, in a sentence. */
      enrol: z.string(),
      /** The busy label while it starts ("Opening Duo…"). */
      busy: z.string(),
      /** Setting it up leaves for the provider's own pages. */
      redirect: z.boolean(),
    }),
  ),
  policy: z.object({
    mode: z.enum(['off', 'required']),
    allowedTypes: z.array(z.string()),
    recoveryCodes: z.boolean(),
    defaultProviderId: z.number().nullable(),
  }),
  /** False while the Application URL is missing or invalid: redirect providers cannot be set up yet. */
  ready: z.boolean(),
  /** Why MFA cannot be set up yet (the Application URL's problem), or null. */
  readyProblem: z.string().nullable(),
  /** An administrator exempted this user ("skip MFA"). */
  skip: z.boolean(),
});

const formBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

export const configureMfaBodySchema = z
  .object({
    providerId: z.coerce.number({ error: 'Choose a provider.' }).int().positive({ error: 'Choose a provider.' }),
    /** With methods already set up: true replaces them once the new one is proven. */
    replace: formBoolean.optional(),
    /** With methods already set up: true adds this one beside them. */
    add: formBoolean.optional(),
    /** The name of the new method ("Phone"); the provider's name when left out. */
    label: z.string().max(60, { error: 'The name must be at most 60 characters.' }).optional(),
    _csrf: z.string().max(256).optional(),
  })
  .strict();

export const factorLabelBodySchema = z
  .object({
    label: z
      .string({ error: 'The name must be text.' })
      .trim()
      .min(1, { error: 'Give the method a name, such as "Phone".' })
      .max(60, { error: 'The name must be at most 60 characters.' })
      .optional(),
    isDefault: z.literal(true, { error: 'isDefault can only be set to true.' }).optional(),
  })
  .strict()
  .refine((body) => body.label !== undefined || body.isDefault !== undefined, {
    error: 'Send a new name (label), or isDefault: true to offer this method first.',
    path: ['label'],
  });

export const recoveryCodesSchema = z.object({ codes: z.array(z.string()) });

export const mfaPolicySchema = z
  .object({
    mode: z.enum(['off', 'required'], { error: 'Choose off or required.' }),
    defaultProviderId: z.number({ error: 'Choose a provider.' }).int().positive().nullable(),
    /** The kinds of method that satisfy "required" (left out: unchanged). */
    allowedTypes: z
      .array(
        z.enum(['duo', 'totp', 'webauthn'], { error: 'Choose Duo Security, Authenticator app or Security key.' }),
        {
          error: 'allowedTypes must be a list of method types.',
        },
      )
      .max(10)
      .optional(),
    /** Whether users may sign in with recovery codes (left out: unchanged). */
    recoveryCodes: z.boolean({ error: 'recoveryCodes must be true or false.' }).optional(),
    /** Administrators must use a security key or passkey (left out: unchanged). */
    adminPhishingResistant: z.boolean({ error: 'adminPhishingResistant must be true or false.' }).optional(),
    /** "Sign in with a passkey" on the sign-in page (left out: unchanged). */
    passwordless: z.boolean({ error: 'passwordless must be true or false.' }).optional(),
  })
  .strict();

export const applicationUrlViewSchema = z.object({
  url: z.string().nullable(),
  configured: z.string().nullable(),
  source: z.enum(['environment', 'settings', 'unset']),
  problem: z.string().nullable(),
  /** The shape of every callback address (`<provider id>` stands for each provider's id). */
  callbackExample: z.string().nullable(),
  /** Where Duo sends users back to, provider by provider (registered nowhere: Duo needs none registered). */
  callbacks: z.array(z.object({ providerId: z.number(), providerName: z.string(), url: z.string() })),
});

export const setApplicationUrlBodySchema = z
  .object({
    applicationUrl: z.string({ error: 'Application URL must be text.' }).max(300),
    /** The number of affected people the administrator was shown and accepted (see the check). */
    confirmAffectedUsers: z.number({ error: 'confirmAffectedUsers must be a number.' }).int().min(0).optional(),
  })
  .strict();

export const checkApplicationUrlBodySchema = setApplicationUrlBodySchema.omit({ confirmAffectedUsers: true });

export const diagnosticSchema = z.object({
  id: z.string(),
  label: z.string(),
  status: z.enum(['pass', 'warn', 'fail', 'skipped']),
  message: z.string(),
  fix: z.string().nullable(),
});

export const diagnosticsResponseSchema = z.object({ ranAt: z.string(), checks: z.array(diagnosticSchema) });

/** What changing the Application URL would do: the diagnostics against the new value, and who it affects. */
export const applicationUrlPreviewSchema = z.object({
  applicationUrl: z.string(),
  current: z.string().nullable(),
  unchanged: z.boolean(),
  checks: z.array(diagnosticSchema),
  usable: z.boolean(),
  mfaRequired: z.boolean(),
  providers: z.array(z.object({ id: z.number(), name: z.string() })),
  affectedUsers: z.number(),
  needsConfirmation: z.boolean(),
  refused: z.boolean(),
});

/** For the console's home page: what needs an administrator's attention. */
export const attentionSchema = z.object({
  since: z.string(),
  /** Sign-ins that skipped MFA because the provider was unreachable (fail open). */
  mfaBypassed: z.number(),
  /** Sign-ins refused because MFA was unavailable (fail closed, or no usable provider). */
  mfaUnavailable: z.number(),
  signInsThrottled: z.number(),
  /** Sign-ins with a recovery code (someone lost their phone, or their codes were stolen). */
  recoveryCodesUsed: z.number(),
  /** Security keys whose signature counter went back (possibly copied) in the last 24 hours. */
  keysCloneSuspected: z.number(),
  /** Duo pushes (or calls) denied by the user or reported as fraud, from Duo's authentication log (Admin API). */
  duoDenied: z.number(),
  providers: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      status: z.string(),
      problem: z.string(),
      checkedAt: z.string().nullable(),
    }),
  ),
});

export type Attention = z.infer<typeof attentionSchema>;
export type MyMfa = z.infer<typeof myMfaSchema>;
export type FactorViewData = z.infer<typeof factorViewSchema>;
export type MfaPolicyView = z.infer<typeof mfaPolicySchema>;
export type ApplicationUrlView = z.infer<typeof applicationUrlViewSchema>;
export type Diagnostic = z.infer<typeof diagnosticSchema>;
export type DiagnosticsResponse = z.infer<typeof diagnosticsResponseSchema>;
export type ApplicationUrlPreview = z.infer<typeof applicationUrlPreviewSchema>;
