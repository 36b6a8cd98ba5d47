import {
  type HostPattern,
  hostMatches,
  type Network,
  networkContains,
  parseHostPattern,
  parseNetwork,
  parsePathPrefix,
  pathMatches,
} from '../../shared/api/access-patterns.ts';
import type { AccessRule, IdentityHeaders } from '../../shared/api/applications.ts';
import type { ApplicationRecord } from '../db/repos/applications-repo.ts';
import type { AuthLevel } from '../db/repos/sessions-repo.ts';

/**
 * Which application a request is for, and whether the person may reach it: pure, evaluated in
 * memory on every request the proxy asks about. The first rule that matches decides; when none
 * does, the answer is no. There is no "open" requirement. Table-tested in test/unit/access-rules.test.ts.
 */

export interface CompiledRule {
  /** 1-based, as the console numbers rules. */
  position: number;
  rule: AccessRule;
  networks: Network[];
  paths: string[];
  methods: ReadonlySet<string> | null;
  groupIds: ReadonlySet<number>;
  userIds: ReadonlySet<number>;
}

export interface CompiledApplication {
  id: number;
  name: string;
  colour: string;
  enabled: boolean;
  urls: Array<{ host: HostPattern; path: string }>;
  rules: CompiledRule[];
  headers: IdentityHeaders;
  /** Some rule looks at paths: an ambiguous path (encoded dot segments) is then refused. */
  usesPaths: boolean;
}

const parsedValue = <T>(parsed: { ok: true; value: T } | { ok: false; message: string }, what: string): T => {
  if (!parsed.ok) throw new Error(`stored ${what} does not parse: ${parsed.message}`);
  return parsed.value;
};

/** Stored records were validated on save; a record that no longer parses is a bug, not a request's fault. */
export function compileApplication(
  record: Pick<ApplicationRecord, 'id' | 'name' | 'colour' | 'enabled' | 'urls' | 'rules' | 'headers'>,
): CompiledApplication {
  const rules = record.rules.map((rule, index) => ({
    position: index + 1,
    rule,
    networks: rule.networks.map((text) => parsedValue(parseNetwork(text), 'network')),
    paths: rule.paths.map((text) => parsedValue(parsePathPrefix(text), 'path')),
    methods: rule.methods.length > 0 ? new Set(rule.methods) : null,
    groupIds: new Set(rule.who.kind === 'members' ? rule.who.groupIds : []),
    userIds: new Set(rule.who.kind === 'members' ? rule.who.userIds : []),
  }));
  return {
    id: record.id,
    name: record.name,
    colour: record.colour,
    enabled: record.enabled,
    urls: record.urls.map((url) => ({
      host: parsedValue(parseHostPattern(url.host), 'host'),
      path: parsedValue(parsePathPrefix(url.pathPrefix), 'path prefix'),
    })),
    rules,
    headers: record.headers,
    usesPaths: rules.some((rule) => rule.paths.length > 0),
  };
}

/** Most specific first: an exact host before a wildcard, a longer host or path before a shorter one. */
function specificity(url: { host: HostPattern; path: string }): number {
  return (
    (url.host.kind === 'exact' ? 1_000_000 : 0) +
    (url.host.port !== null ? 100_000 : 0) +
    url.host.host.length * 256 +
    url.path.length
  );
}

export interface ApplicationIndex {
  find(
    host: string,
    port: number,
    path: string,
  ): { app: CompiledApplication; url: { host: HostPattern; path: string } } | null;
}

export function indexApplications(apps: CompiledApplication[]): ApplicationIndex {
  const entries = apps
    .flatMap((app) => app.urls.map((url) => ({ app, url, rank: specificity(url) })))
    .sort((a, b) => b.rank - a.rank);
  return {
    find(host, port, path) {
      const entry = entries.find(
        (candidate) => hostMatches(candidate.url.host, host, port) && pathMatches(candidate.url.path, path),
      );
      return entry ? { app: entry.app, url: entry.url } : null;
    },
  };
}

export interface AccessRequest {
  method: string;
  /** The percent-decoded path with dot segments resolved; null when it stayed ambiguous (see requestPath). */
  path: string | null;
  ip: { family: 4 | 6; bytes: Uint8Array } | null;
}

/**
 * The path rules are matched against. Applications decode and normalise paths before routing, so a
 * rule must see what the application will: `/public/%2e%2e/admin` is `/admin`, `//admin` is `/admin`.
 * What still holds a dot segment after one decoding (`/x%2F..%2Fadmin`) or a backslash is ambiguous:
 * the application might resolve it either way, so it is returned as null.
 */
export function requestPath(rawPath: string): string | null {
  let resolved: string;
  try {
    // Appended, not resolved against a base: "//admin" is a path here, not a protocol-relative URL.
    resolved = new URL(`http://path.invalid${rawPath.startsWith('/') ? rawPath : `/${rawPath}`}`).pathname;
  } catch {
    return null;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(resolved);
  } catch {
    return null;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a control character in a path is never legitimate
  if (/[\\\u0000-\u001f]/.test(decoded)) return null;
  const collapsed = decoded.replace(/\/{2,}/g, '/');
  if (collapsed.split('/').some((segment) => segment === '.' || segment === '..')) return null;
  return collapsed;
}

/** Who is asking, as the session says. */
export interface AccessSubject {
  userId: number;
  groupIds: readonly number[];
  authLevel: AuthLevel;
  /** When this session last proved a second factor, or null. */
  mfaAt: number | null;
  /** The kind of factor it proved (duo, totp, recovery_codes), or null. */
  factorType: string | null;
}

export type StepUpReason = 'no_mfa' | 'mfa_too_old' | 'other_factor';

export type AccessDecision =
  | { kind: 'allow'; rule: number }
  | { kind: 'sign_in'; rule: number }
  | {
      kind: 'step_up';
      rule: number;
      reason: StepUpReason;
      /** Null: any kind the MFA policy allows. */
      factorTypes: string[] | null;
      maxAgeMinutes: number | null;
    }
  | { kind: 'deny'; rule: number | null; reason: 'rule' | 'no_rule' | 'disabled' | 'ambiguous_path' };

export type Mismatch = 'network' | 'method' | 'path' | 'who';

export interface TraceEntry {
  rule: number;
  matched: boolean;
  /** Why it did not match; null when it matched. */
  mismatch: Mismatch | null;
}

function requestMismatch(rule: CompiledRule, request: AccessRequest): Mismatch | null {
  if (rule.networks.length > 0) {
    const ip = request.ip;
    if (!ip || !rule.networks.some((network) => networkContains(network, ip))) return 'network';
  }
  if (rule.methods && !rule.methods.has(request.method)) return 'method';
  if (rule.paths.length > 0) {
    const path = request.path;
    if (path === null || !rule.paths.some((prefix) => pathMatches(prefix, path))) return 'path';
  }
  return null;
}

function isFor(rule: CompiledRule, subject: AccessSubject): boolean {
  if (rule.rule.who.kind === 'everyone') return true;
  return rule.userIds.has(subject.userId) || subject.groupIds.some((id) => rule.groupIds.has(id));
}

function requirementDecision(rule: CompiledRule, subject: AccessSubject, now: number): AccessDecision {
  const { requirement, mfaMaxAgeMinutes, factorTypes } = rule.rule;
  if (requirement === 'deny') return { kind: 'deny', rule: rule.position, reason: 'rule' };
  if (requirement === 'password') return { kind: 'allow', rule: rule.position };
  const wanted: string[] | null = requirement === 'factor' ? [...factorTypes] : null;
  const stepUp = (reason: StepUpReason): AccessDecision => ({
    kind: 'step_up',
    rule: rule.position,
    reason,
    factorTypes: wanted,
    maxAgeMinutes: mfaMaxAgeMinutes,
  });
  if (subject.authLevel !== 'mfa' || subject.mfaAt === null) return stepUp('no_mfa');
  if (wanted && !(wanted as string[]).includes(subject.factorType ?? '')) return stepUp('other_factor');
  if (mfaMaxAgeMinutes !== null && now - subject.mfaAt > mfaMaxAgeMinutes * 60_000) return stepUp('mfa_too_old');
  return { kind: 'allow', rule: rule.position };
}

/**
 * The first rule whose request conditions (networks, methods, paths) and audience (who) match decides.
 * Someone not signed in is refused outright only by a "deny, everyone" rule; any other matching rule
 * first needs to know who they are (sign-in). With `trace`, every rule looked at is recorded.
 */
export function evaluateAccess(
  app: CompiledApplication,
  request: AccessRequest,
  subject: AccessSubject | null,
  now: number,
  trace?: TraceEntry[],
): AccessDecision {
  if (!app.enabled) return { kind: 'deny', rule: null, reason: 'disabled' };
  if (app.usesPaths && request.path === null) return { kind: 'deny', rule: null, reason: 'ambiguous_path' };
  for (const rule of app.rules) {
    const mismatch = requestMismatch(rule, request) ?? (subject && !isFor(rule, subject) ? 'who' : null);
    trace?.push({ rule: rule.position, matched: mismatch === null, mismatch });
    if (mismatch) continue;
    if (!subject) {
      return rule.rule.who.kind === 'everyone' && rule.rule.requirement === 'deny'
        ? { kind: 'deny', rule: rule.position, reason: 'rule' }
        : { kind: 'sign_in', rule: rule.position };
    }
    return requirementDecision(rule, subject, now);
  }
  return { kind: 'deny', rule: null, reason: 'no_rule' };
}
