import { z } from 'zod';
import {
  type HostPattern,
  HTTP_METHODS,
  hostCovers,
  parseHostPattern,
  parseNetwork,
  parsePathPrefix,
  pathMatches,
} from './access-patterns.ts';
import { pageNumberSchema, pageSizeSchema, queryBooleanSchema, requiredText } from './fields.ts';

/** What a rule asks of the person once it matches. "open" does not exist: the default is always to refuse. */
export const REQUIREMENTS = ['deny', 'password', 'mfa', 'factor'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];
export const RULE_FACTOR_TYPES = ['duo', 'totp'] as const;

const idSchema = z.number({ error: 'An id must be a number.' }).int().positive();

export const ruleWhoSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('everyone') }).strict(),
    z
      .object({
        kind: z.literal('members'),
        groupIds: z.array(idSchema).max(50, { error: 'Name at most 50 groups in one rule.' }).default([]),
        userIds: z.array(idSchema).max(200, { error: 'Name at most 200 users in one rule.' }).default([]),
      })
      .strict(),
  ],
  { error: 'Choose who this rule is for: everyone signed in, or some groups and users.' },
);

export const ruleSchema = z
  .object({
    who: ruleWhoSchema,
    networks: z.array(z.string().max(64)).max(50, { error: 'List at most 50 networks in one rule.' }).default([]),
    methods: z
      .array(z.enum(HTTP_METHODS, { error: `Methods are ${HTTP_METHODS.join(', ')}.` }))
      .max(HTTP_METHODS.length)
      .default([]),
    paths: z.array(z.string().max(200)).max(50, { error: 'List at most 50 paths in one rule.' }).default([]),
    requirement: z.enum(REQUIREMENTS, {
      error: 'Choose what this rule requires: deny, password, MFA, or a given kind of MFA.',
    }),
    factorTypes: z
      .array(z.enum(RULE_FACTOR_TYPES, { error: 'Kinds of MFA are duo and totp.' }))
      .max(RULE_FACTOR_TYPES.length)
      .default([]),
    /** Ask for MFA again once the last one is older than this. */
    mfaMaxAgeMinutes: z
      .number({ error: 'The MFA age must be a number of minutes.' })
      .int({ error: 'The MFA age must be a whole number of minutes.' })
      .min(1, { error: 'The MFA age must be at least 1 minute.' })
      .max(43_200, { error: 'The MFA age must be at most 43200 minutes (30 days).' })
      .nullable()
      .default(null),
  })
  .strict()
  .superRefine((rule, context) => {
    rule.networks.forEach((network, index) => {
      const parsed = parseNetwork(network);
      if (!parsed.ok) context.addIssue({ code: 'custom', path: ['networks', index], message: parsed.message });
    });
    rule.paths.forEach((path, index) => {
      const parsed = parsePathPrefix(path);
      if (!parsed.ok) context.addIssue({ code: 'custom', path: ['paths', index], message: parsed.message });
    });
    if (rule.who.kind === 'members' && rule.who.groupIds.length === 0 && rule.who.userIds.length === 0)
      context.addIssue({
        code: 'custom',
        path: ['who'],
        message: 'Choose at least one group or user, or make the rule apply to everyone signed in.',
      });
    if (rule.requirement === 'factor' && rule.factorTypes.length === 0)
      context.addIssue({
        code: 'custom',
        path: ['factorTypes'],
        message: 'Choose the kind of MFA this rule requires.',
      });
    if (rule.requirement !== 'factor' && rule.factorTypes.length > 0)
      context.addIssue({
        code: 'custom',
        path: ['factorTypes'],
        message: 'Kinds of MFA apply only to a rule that requires a given kind of MFA.',
      });
    if ((rule.requirement === 'deny' || rule.requirement === 'password') && rule.mfaMaxAgeMinutes !== null)
      context.addIssue({
        code: 'custom',
        path: ['mfaMaxAgeMinutes'],
        message: 'An MFA age applies only to a rule that requires MFA.',
      });
  });

export type AccessRule = z.infer<typeof ruleSchema>;

/** What a new application starts with: MFA for everyone signed in. Never open. */
export const DEFAULT_RULE: AccessRule = {
  who: { kind: 'everyone' },
  networks: [],
  methods: [],
  paths: [],
  requirement: 'mfa',
  factorTypes: [],
  mfaMaxAgeMinutes: null,
};

export const applicationUrlSchema = z
  .object({
    host: z.string({ error: 'Enter a host, such as grafana.example.com or *.lab.example.com.' }).max(260),
    pathPrefix: z.string().max(200).default('/'),
  })
  .strict();

export const identityHeadersSchema = z
  .object({
    user: z.boolean().default(true),
    groups: z.boolean().default(true),
    email: z.boolean().default(true),
    name: z.boolean().default(true),
    authLevel: z.boolean().default(true),
    /** A short-lived signed JWT (ES256) in Remote-Jwt, verifiable with the JWKS. */
    jwt: z.boolean().default(false),
  })
  .strict();

export type IdentityHeaders = z.infer<typeof identityHeadersSchema>;

export const APPLICATION_COLOURS = [
  '#2563eb',
  '#7c3aed',
  '#db2777',
  '#dc2626',
  '#ea580c',
  '#16a34a',
  '#0891b2',
  '#475569',
];

export const applicationBodySchema = z
  .object({
    name: requiredText('Name', { max: 80 }),
    description: z.string().trim().max(300, { error: 'Description must be at most 300 characters.' }).default(''),
    colour: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, { error: 'Colour must be a hex colour such as #2563eb.' })
      .transform((value) => value.toLowerCase())
      .default(APPLICATION_COLOURS[0] ?? '#2563eb'),
    protocol: z.enum(['forward_auth'], { error: 'The protocol is forward_auth.' }).default('forward_auth'),
    enabled: z.boolean({ error: 'enabled must be true or false.' }).default(true),
    urls: z
      .array(applicationUrlSchema)
      .min(1, { error: 'Add at least one URL: the host (and optional path) the application is reached at.' })
      .max(50, { error: 'List at most 50 URLs.' }),
    rules: z.array(ruleSchema).max(100, { error: 'Keep to at most 100 rules.' }).default([DEFAULT_RULE]),
    headers: identityHeadersSchema.default({
      user: true,
      groups: true,
      email: true,
      name: true,
      authLevel: true,
      jwt: false,
    }),
  })
  .strict()
  .superRefine((app, context) => {
    const parsed: Array<{ host: HostPattern; path: string } | null> = app.urls.map((url, index) => {
      const host = parseHostPattern(url.host);
      const path = parsePathPrefix(url.pathPrefix);
      if (!host.ok) context.addIssue({ code: 'custom', path: ['urls', index, 'host'], message: host.message });
      if (!path.ok) context.addIssue({ code: 'custom', path: ['urls', index, 'pathPrefix'], message: path.message });
      return host.ok && path.ok ? { host: host.value, path: path.value } : null;
    });
    // Within one application, a URL that another of its URLs already covers is a mistake waiting to
    // confuse: refuse it and name the one that covers it.
    const covers = (a: { host: HostPattern; path: string }, b: { host: HostPattern; path: string }) =>
      hostCovers(a.host, b.host) && pathMatches(a.path, b.path);
    parsed.forEach((url, index) => {
      const earlier = parsed
        .slice(0, index)
        .find((other) => url && other && (covers(other, url) || covers(url, other)));
      if (url && earlier)
        context.addIssue({
          code: 'custom',
          path: ['urls', index, 'host'],
          message: `${urlText(url)} overlaps ${urlText(earlier)} above: one already covers the other. Remove one of them.`,
        });
    });
  });

export function urlText(url: { host: HostPattern | string; path: string }): string {
  const host = typeof url.host === 'string' ? url.host : url.host.text;
  return url.path === '/' ? host : `${host}${url.path}`;
}

export type ApplicationBody = z.input<typeof applicationBodySchema>;
export type ApplicationInput = z.output<typeof applicationBodySchema>;

export const applicationViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  colour: z.string(),
  protocol: z.literal('forward_auth'),
  enabled: z.boolean(),
  urls: z.array(z.object({ host: z.string(), pathPrefix: z.string() })),
  rules: z.array(ruleSchema),
  /** Each rule in words, in order ("Group admins · MFA within 15 minutes"). */
  ruleSummaries: z.array(z.string()),
  headers: identityHeadersSchema,
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});

export type ApplicationView = z.infer<typeof applicationViewSchema>;

export const APPLICATION_SORTS = ['id', 'name', 'enabled', 'created', 'updated'] as const;

export const applicationListQuerySchema = z
  .object({
    name: z.string().max(80, { error: 'Name must be at most 80 characters.' }).optional(),
    host: z.string().max(260, { error: 'Host must be at most 260 characters.' }).optional(),
    protocol: z.enum(['forward_auth'], { error: 'The protocol is forward_auth.' }).optional(),
    enabled: queryBooleanSchema.optional(),
    sort: z.enum(APPLICATION_SORTS, { error: `Sort by ${APPLICATION_SORTS.join(', ')}.` }).default('name'),
    order: z.enum(['asc', 'desc'], { error: 'Order is asc or desc.' }).default('asc'),
    page: pageNumberSchema,
    pageSize: pageSizeSchema(30),
  })
  .strict();

export const applicationListResponseSchema = z.object({
  items: z.array(applicationViewSchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export type ApplicationListResponse = z.infer<typeof applicationListResponseSchema>;

/** The rule tester: "would alice, from 10.1.2.3, GET https://grafana.example.com/admin be let in, and why?" */
export const accessTestBodySchema = z
  .object({
    /** Empty: someone not signed in. */
    username: z.string().trim().toLowerCase().max(64).default(''),
    ip: z.string().trim().max(64),
    method: z.enum(HTTP_METHODS, { error: `The method is one of ${HTTP_METHODS.join(', ')}.` }).default('GET'),
    url: z
      .string()
      .trim()
      .min(1, { error: 'Enter the address to test, such as https://grafana.example.com/admin.' })
      .max(2048),
    /** How the person signed in: the tester can then say yes or no rather than what is needed. */
    signedInWith: z.enum(['password', 'mfa'], { error: 'Signed in with password or mfa.' }).default('mfa'),
    mfaMinutesAgo: z.number().int().min(0).max(525_600).default(0),
    factorType: z.enum(RULE_FACTOR_TYPES).nullable().default(null),
    /** Test a draft (the form being edited) instead of what is saved. */
    draft: applicationBodySchema.optional(),
  })
  .strict();

export type AccessTestBody = z.input<typeof accessTestBodySchema>;

export const accessTestResultSchema = z.object({
  decision: z.enum(['allow', 'deny', 'sign_in', 'step_up']),
  /** One sentence: "Rule 2 matched: group admins, MFA within 15 minutes → allow." */
  summary: z.string(),
  application: z.object({ id: z.number().nullable(), name: z.string() }).nullable(),
  matchedRule: z.number().nullable(),
  /** Every rule looked at, in order, and why it matched or not. */
  trace: z.array(z.object({ rule: z.number(), text: z.string(), matched: z.boolean(), why: z.string() })),
  user: z.object({ username: z.string(), groups: z.array(z.string()) }).nullable(),
});

export type AccessTestResult = z.infer<typeof accessTestResultSchema>;

/** The step-up page: what an application asks of this session. */
export const stepUpViewSchema = z.object({
  application: z.object({ name: z.string(), colour: z.string() }),
  /** What happens next: `step_up` (the page offers the MFA step), else the page continues at once. */
  decision: z.enum(['allow', 'deny', 'sign_in', 'step_up']),
  reason: z.enum(['no_mfa', 'mfa_too_old', 'other_factor']).nullable(),
  /** "MFA within 15 minutes". */
  requirement: z.string(),
  lastMfaAt: z.string().nullable(),
  username: z.string(),
  rd: z.string(),
});

export type StepUpView = z.infer<typeof stepUpViewSchema>;
