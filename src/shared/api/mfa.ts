import { z } from 'zod';

export const myMfaSchema = z.object({
  configured: z
    .object({
      providerId: z.number(),
      providerName: z.string(),
      providerEnabled: z.boolean(),
      configuredAt: z.string(),
      lastUsedAt: z.string().nullable(),
    })
    .nullable(),
  /** Enabled providers the user may choose on "Configure MFA". */
  providers: z.array(z.object({ id: z.number(), name: z.string(), typeLabel: z.string() })),
  policy: z.object({ mode: z.enum(['off', 'required']) }),
  /** False while the Application URL is missing or invalid: MFA cannot be set up yet. */
  ready: z.boolean(),
  /** Why MFA cannot be set up yet (the Application URL's problem), or null. */
  readyProblem: z.string().nullable(),
  /** An administrator exempted this user ("skip MFA"). */
  skip: z.boolean(),
});

export const configureMfaBodySchema = z
  .object({
    providerId: z.coerce.number({ error: 'Choose a provider.' }).int().positive({ error: 'Choose a provider.' }),
    /** Required when MFA is already set up: the user saw the warning and replaces it. */
    replace: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).optional(),
    _csrf: z.string().max(256).optional(),
  })
  .strict();

export const mfaPolicySchema = z
  .object({
    mode: z.enum(['off', 'required'], { error: 'Choose off or required.' }),
    defaultProviderId: z.number({ error: 'Choose a provider.' }).int().positive().nullable(),
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
export type MfaPolicyView = z.infer<typeof mfaPolicySchema>;
export type ApplicationUrlView = z.infer<typeof applicationUrlViewSchema>;
export type Diagnostic = z.infer<typeof diagnosticSchema>;
export type DiagnosticsResponse = z.infer<typeof diagnosticsResponseSchema>;
export type ApplicationUrlPreview = z.infer<typeof applicationUrlPreviewSchema>;
