import {
  type AccessRule,
  APPLICATION_COLOURS,
  type ApplicationBody,
  type ApplicationView,
  applicationBodySchema,
  type IdentityHeaders,
  type Requirement,
} from '../../../../../shared/api/applications.ts';

/** One rule as the form edits it: lists as text (one per line), the MFA age as typed. */
export interface RuleDraft {
  key: string;
  who: 'everyone' | 'members';
  groupIds: number[];
  userIds: number[];
  networks: string;
  methods: string[];
  paths: string;
  requirement: Requirement | '';
  factorTypes: string[];
  maxAge: string;
}

export interface ApplicationDraft {
  name: string;
  description: string;
  colour: string;
  enabled: boolean;
  urls: Array<{ key: string; host: string; pathPrefix: string }>;
  rules: RuleDraft[];
  headers: IdentityHeaders;
}

let keys = 0;
export const newKey = () => {
  keys += 1;
  return `k${keys}`;
};

export function newRule(overrides: Partial<RuleDraft> = {}): RuleDraft {
  return {
    key: newKey(),
    who: 'everyone',
    groupIds: [],
    userIds: [],
    networks: '',
    methods: [],
    paths: '',
    requirement: 'mfa',
    factorTypes: [],
    maxAge: '',
    ...overrides,
  };
}

function ruleDraft(rule: AccessRule): RuleDraft {
  return newRule({
    who: rule.who.kind,
    groupIds: rule.who.kind === 'members' ? rule.who.groupIds : [],
    userIds: rule.who.kind === 'members' ? rule.who.userIds : [],
    networks: rule.networks.join('\n'),
    methods: rule.methods,
    paths: rule.paths.join('\n'),
    requirement: rule.requirement,
    factorTypes: rule.factorTypes,
    maxAge: rule.mfaMaxAgeMinutes === null ? '' : String(rule.mfaMaxAgeMinutes),
  });
}

/** A new application: MFA for everyone signed in (never open), every identity header but the JWT. */
export function draftOf(app?: ApplicationView): ApplicationDraft {
  return {
    name: app?.name ?? '',
    description: app?.description ?? '',
    colour: app?.colour ?? APPLICATION_COLOURS[0] ?? '#2563eb',
    enabled: app?.enabled ?? true,
    urls: (app?.urls ?? [{ host: '', pathPrefix: '/' }]).map((url) => ({ key: newKey(), ...url })),
    rules: app ? app.rules.map(ruleDraft) : [newRule()],
    headers: app?.headers ?? { user: true, groups: true, email: true, name: true, authLevel: true, jwt: false },
  };
}

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);

const needsAge = (requirement: string) => requirement === 'mfa' || requirement === 'factor';

/** The request body; what the form cannot turn into one (a non-number age) goes to `errors`. */
export function bodyOf(draft: ApplicationDraft): { body: ApplicationBody; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const rules = draft.rules.map((rule, index) => {
    const age = rule.maxAge.trim();
    if (needsAge(rule.requirement) && age !== '' && !/^\d+$/.test(age))
      errors[`rules.${index}.mfaMaxAgeMinutes`] = 'Enter a whole number of minutes, or leave it empty.';
    return {
      who:
        rule.who === 'everyone'
          ? ({ kind: 'everyone' } as const)
          : ({ kind: 'members', groupIds: rule.groupIds, userIds: rule.userIds } as const),
      networks: lines(rule.networks),
      methods: rule.methods as AccessRule['methods'],
      paths: lines(rule.paths),
      ...(rule.requirement && { requirement: rule.requirement }),
      factorTypes: (rule.requirement === 'factor' ? rule.factorTypes : []) as AccessRule['factorTypes'],
      mfaMaxAgeMinutes: needsAge(rule.requirement) && /^\d+$/.test(age) ? Number(age) : null,
    } as AccessRule;
  });
  return {
    body: {
      name: draft.name,
      description: draft.description,
      colour: draft.colour,
      enabled: draft.enabled,
      urls: draft.urls.map((url) => ({ host: url.host, pathPrefix: url.pathPrefix.trim() || '/' })),
      rules,
      headers: draft.headers,
    },
    errors,
  };
}

/** The shared schema's messages, keyed by path ("rules.0.networks.1"), as the server sends them. */
export function checkDraft(draft: ApplicationDraft): { body: ApplicationBody; errors: Record<string, string> } {
  const { body, errors } = bodyOf(draft);
  const result = applicationBodySchema.safeParse(body);
  if (!result.success) for (const issue of result.error.issues) errors[issue.path.join('.') || '_'] ??= issue.message;
  return { body, errors };
}

/** The first message at or under a path: `rules.1.networks` also shows `rules.1.networks.3`. */
export function errorAt(errors: Record<string, string>, path: string): string | undefined {
  if (errors[path]) return errors[path];
  const key = Object.keys(errors).find((candidate) => candidate.startsWith(`${path}.`));
  return key ? errors[key] : undefined;
}
