import { describe, expect, it } from 'vitest';
import {
  type AccessDecision,
  type AccessSubject,
  compileApplication,
  evaluateAccess,
  indexApplications,
  requestPath,
  type TraceEntry,
} from '../../src/server/applications/access-rules.ts';
import { decisionText, describeRule } from '../../src/server/applications/explain.ts';
import { parseAddress } from '../../src/shared/api/access-patterns.ts';
import { type AccessRule, DEFAULT_RULE } from '../../src/shared/api/applications.ts';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const ADMINS = 1;
const OPS = 2;

const rule = (overrides: Partial<AccessRule>): AccessRule => ({ ...DEFAULT_RULE, ...overrides });

function app(
  rules: AccessRule[],
  extra: { enabled?: boolean; urls?: Array<{ host: string; pathPrefix: string }> } = {},
) {
  return compileApplication({
    id: 7,
    name: 'Grafana',
    colour: '#2563eb',
    enabled: extra.enabled ?? true,
    urls: extra.urls ?? [{ host: 'grafana.example.com', pathPrefix: '/' }],
    rules,
    headers: { user: true, groups: true, email: true, name: true, authLevel: true, jwt: false },
  });
}

const person = (overrides: Partial<AccessSubject> = {}): AccessSubject => ({
  userId: 10,
  groupIds: [],
  authLevel: 'mfa',
  mfaAt: NOW - 60_000,
  factorType: 'duo',
  ...overrides,
});

const request = (overrides: { method?: string; path?: string | null; ip?: string } = {}) => ({
  method: overrides.method ?? 'GET',
  path: overrides.path === undefined ? '/' : overrides.path,
  ip: parseAddress(overrides.ip ?? '10.1.2.3'),
});

describe('access rules: the first matching rule decides, and the default is never open', () => {
  const cases: Array<{
    name: string;
    rules: AccessRule[];
    subject: AccessSubject | null;
    req?: Parameters<typeof request>[0];
    enabled?: boolean;
    expected: Partial<AccessDecision>;
  }> = [
    {
      name: 'a new application (MFA, everyone) lets an MFA session in',
      rules: [DEFAULT_RULE],
      subject: person(),
      expected: { kind: 'allow', rule: 1 },
    },
    {
      name: 'a new application sends a password-only session through the MFA step',
      rules: [DEFAULT_RULE],
      subject: person({ authLevel: 'password', mfaAt: null, factorType: null }),
      expected: { kind: 'step_up', rule: 1, reason: 'no_mfa', factorTypes: null },
    },
    {
      name: 'someone not signed in is sent to sign in',
      rules: [DEFAULT_RULE],
      subject: null,
      expected: { kind: 'sign_in', rule: 1 },
    },
    {
      name: 'no rules: deny (the default)',
      rules: [],
      subject: person(),
      expected: { kind: 'deny', rule: null, reason: 'no_rule' },
    },
    {
      name: 'no rules: deny even before sign-in',
      rules: [],
      subject: null,
      expected: { kind: 'deny', reason: 'no_rule' },
    },
    {
      name: 'a rule for another group does not match; nothing else does: deny',
      rules: [rule({ who: { kind: 'members', groupIds: [ADMINS], userIds: [] } })],
      subject: person({ groupIds: [OPS] }),
      expected: { kind: 'deny', reason: 'no_rule' },
    },
    {
      name: 'group member matches the group rule',
      rules: [rule({ who: { kind: 'members', groupIds: [ADMINS], userIds: [] } })],
      subject: person({ groupIds: [OPS, ADMINS] }),
      expected: { kind: 'allow', rule: 1 },
    },
    {
      name: 'a listed user matches without a group',
      rules: [rule({ who: { kind: 'members', groupIds: [ADMINS], userIds: [10] } })],
      subject: person(),
      expected: { kind: 'allow', rule: 1 },
    },
    {
      name: 'first match wins: an earlier deny beats a later allow',
      rules: [
        rule({ who: { kind: 'members', groupIds: [OPS], userIds: [] }, requirement: 'deny' }),
        rule({ requirement: 'password' }),
      ],
      subject: person({ groupIds: [OPS] }),
      expected: { kind: 'deny', rule: 1, reason: 'rule' },
    },
    {
      name: 'first match wins: a later rule applies when the earlier is for others',
      rules: [
        rule({ who: { kind: 'members', groupIds: [OPS], userIds: [] }, requirement: 'deny' }),
        rule({ requirement: 'password' }),
      ],
      subject: person({ groupIds: [ADMINS], authLevel: 'password', mfaAt: null }),
      expected: { kind: 'allow', rule: 2 },
    },
    {
      name: 'before sign-in, a group rule needs to know who it is: sign in (even when it would deny)',
      rules: [rule({ who: { kind: 'members', groupIds: [OPS], userIds: [] }, requirement: 'deny' }), DEFAULT_RULE],
      subject: null,
      expected: { kind: 'sign_in', rule: 1 },
    },
    {
      name: 'before sign-in, "deny, everyone" refuses outright',
      rules: [rule({ networks: ['192.0.2.0/24'], requirement: 'deny' }), DEFAULT_RULE],
      subject: null,
      req: { ip: '192.0.2.55' },
      expected: { kind: 'deny', rule: 1, reason: 'rule' },
    },
    {
      name: 'networks: an address outside skips the rule',
      rules: [rule({ networks: ['10.0.0.0/8'], requirement: 'password' })],
      subject: person({ authLevel: 'password', mfaAt: null }),
      req: { ip: '192.0.2.1' },
      expected: { kind: 'deny', reason: 'no_rule' },
    },
    {
      name: 'networks: an address inside matches (IPv4-mapped IPv6 counts as IPv4)',
      rules: [rule({ networks: ['10.0.0.0/8'], requirement: 'password' })],
      subject: person({ authLevel: 'password', mfaAt: null }),
      req: { ip: '::ffff:10.9.8.7' },
      expected: { kind: 'allow', rule: 1 },
    },
    {
      name: 'networks: IPv6',
      rules: [rule({ networks: ['2001:db8::/32'], requirement: 'password' })],
      subject: person(),
      req: { ip: '2001:db8:1::5' },
      expected: { kind: 'allow', rule: 1 },
    },
    {
      name: 'methods: a write outside the listed methods skips the read-only rule',
      rules: [
        rule({ methods: ['GET', 'HEAD'], requirement: 'password' }),
        rule({ requirement: 'mfa', mfaMaxAgeMinutes: 5 }),
      ],
      subject: person({ mfaAt: NOW - 30 * 60_000 }),
      req: { method: 'POST' },
      expected: { kind: 'step_up', rule: 2, reason: 'mfa_too_old', maxAgeMinutes: 5 },
    },
    {
      name: 'paths: /admin covers /admin/users',
      rules: [rule({ paths: ['/admin'], requirement: 'deny' }), rule({ requirement: 'password' })],
      subject: person(),
      req: { path: '/admin/users' },
      expected: { kind: 'deny', rule: 1 },
    },
    {
      name: 'paths: /admin does not cover /administrator',
      rules: [rule({ paths: ['/admin'], requirement: 'deny' }), rule({ requirement: 'password' })],
      subject: person(),
      req: { path: '/administrator' },
      expected: { kind: 'allow', rule: 2 },
    },
    {
      name: 'paths: an ambiguous path is refused when rules look at paths',
      rules: [rule({ paths: ['/public'], requirement: 'password' }), rule({ requirement: 'deny' })],
      subject: person(),
      req: { path: null },
      expected: { kind: 'deny', reason: 'ambiguous_path' },
    },
    {
      name: 'paths: an ambiguous path does not matter when no rule looks at paths',
      rules: [DEFAULT_RULE],
      subject: person(),
      req: { path: null },
      expected: { kind: 'allow', rule: 1 },
    },
    {
      name: 'MFA age: within the limit',
      rules: [rule({ mfaMaxAgeMinutes: 15 })],
      subject: person({ mfaAt: NOW - 14 * 60_000 }),
      expected: { kind: 'allow' },
    },
    {
      name: 'MFA age: too old asks for the MFA step only',
      rules: [rule({ mfaMaxAgeMinutes: 15 })],
      subject: person({ mfaAt: NOW - 16 * 60_000 }),
      expected: { kind: 'step_up', reason: 'mfa_too_old', maxAgeMinutes: 15 },
    },
    {
      name: 'a given kind of MFA: the right kind passes',
      rules: [rule({ requirement: 'factor', factorTypes: ['totp'] })],
      subject: person({ factorType: 'totp' }),
      expected: { kind: 'allow' },
    },
    {
      name: 'a given kind of MFA: another kind asks for that kind',
      rules: [rule({ requirement: 'factor', factorTypes: ['totp'] })],
      subject: person({ factorType: 'duo' }),
      expected: { kind: 'step_up', reason: 'other_factor', factorTypes: ['totp'] },
    },
    {
      name: 'a recovery code is MFA, but not a given kind',
      rules: [rule({ requirement: 'factor', factorTypes: ['duo'] })],
      subject: person({ factorType: 'recovery_codes' }),
      expected: { kind: 'step_up', reason: 'other_factor' },
    },
    {
      name: 'a fail-open session (password only, audited) is not MFA',
      rules: [DEFAULT_RULE],
      subject: person({ authLevel: 'single_factor_bypass', mfaAt: null, factorType: null }),
      expected: { kind: 'step_up', reason: 'no_mfa' },
    },
    {
      name: 'password: any session passes',
      rules: [rule({ requirement: 'password' })],
      subject: person({ authLevel: 'single_factor_bypass', mfaAt: null }),
      expected: { kind: 'allow' },
    },
    {
      name: 'a disabled application refuses everyone',
      rules: [rule({ requirement: 'password' })],
      subject: person(),
      enabled: false,
      expected: { kind: 'deny', reason: 'disabled' },
    },
  ];

  it.each(cases)('$name', ({ rules, subject, req, enabled, expected }) => {
    const decision = evaluateAccess(app(rules, enabled === undefined ? {} : { enabled }), request(req), subject, NOW);
    expect(decision).toMatchObject(expected);
  });

  it('never answers allow to someone not signed in, whatever the rules', () => {
    const requirements = ['deny', 'password', 'mfa'] as const;
    for (const requirement of requirements) {
      for (const who of [
        { kind: 'everyone' as const },
        { kind: 'members' as const, groupIds: [ADMINS], userIds: [10] },
      ]) {
        const decision = evaluateAccess(app([rule({ requirement, who })]), request(), null, NOW);
        expect(decision.kind).not.toBe('allow');
      }
    }
  });

  it('records every rule looked at, with why it was skipped', () => {
    const trace: TraceEntry[] = [];
    evaluateAccess(
      app([
        rule({ networks: ['192.0.2.0/24'] }),
        rule({ methods: ['POST'] }),
        rule({ paths: ['/api'] }),
        rule({ who: { kind: 'members', groupIds: [OPS], userIds: [] } }),
        rule({ requirement: 'password' }),
        rule({ requirement: 'deny' }),
      ]),
      request({ path: '/admin' }),
      person({ groupIds: [ADMINS] }),
      NOW,
      trace,
    );
    expect(trace).toEqual([
      { rule: 1, matched: false, mismatch: 'network' },
      { rule: 2, matched: false, mismatch: 'method' },
      { rule: 3, matched: false, mismatch: 'path' },
      { rule: 4, matched: false, mismatch: 'who' },
      { rule: 5, matched: true, mismatch: null },
    ]);
  });
});

describe('which application a request is for', () => {
  const compiled = (id: number, name: string, urls: Array<{ host: string; pathPrefix: string }>) =>
    compileApplication({
      id,
      name,
      colour: '#2563eb',
      enabled: true,
      urls,
      rules: [],
      headers: { user: true, groups: true, email: true, name: true, authLevel: true, jwt: false },
    });
  const index = indexApplications([
    compiled(1, 'Lab tools', [{ host: '*.lab.example.com', pathPrefix: '/' }]),
    compiled(2, 'Proxmox', [{ host: 'proxmox.lab.example.com', pathPrefix: '/' }]),
    compiled(3, 'Wiki admin', [{ host: 'wiki.example.com', pathPrefix: '/admin' }]),
    compiled(4, 'Wiki', [{ host: 'wiki.example.com', pathPrefix: '/' }]),
    compiled(5, 'Router', [{ host: '10.0.0.1:8443', pathPrefix: '/' }]),
  ]);
  it.each([
    ['proxmox.lab.example.com', 443, '/', 'Proxmox'],
    ['grafana.lab.example.com', 443, '/', 'Lab tools'],
    ['a.b.lab.example.com', 443, '/', 'Lab tools'],
    ['wiki.example.com', 443, '/admin/users', 'Wiki admin'],
    ['wiki.example.com', 443, '/administrator', 'Wiki'],
    ['10.0.0.1', 8443, '/', 'Router'],
  ])('%s:%s%s → %s (the most specific URL wins)', (host, port, path, name) => {
    expect(index.find(host, port, path)?.app.name).toBe(name);
  });
  it.each([
    ['lab.example.com', 443, '/'],
    ['10.0.0.1', 443, '/'],
    ['evil.example.net', 443, '/'],
  ])('%s:%s%s → no application', (host, port, path) => {
    expect(index.find(host, port, path)).toBeNull();
  });
});

describe('the path rules see (what the application will route)', () => {
  it.each([
    ['/admin', '/admin'],
    ['/public/../admin', '/admin'],
    ['/public/%2e%2e/admin', '/admin'],
    ['//admin', '/admin'],
    ['/adm%69n/x', '/admin/x'],
    ['/a%20b', '/a b'],
  ])('%s → %s', (raw, seen) => {
    expect(requestPath(raw)).toBe(seen);
  });
  it.each(['/x%2F..%2Fadmin', '/x%2f%2e%2e%2fadmin', '/a%5cb', '/%E0%A4%A', '/a%00b'])('%s is ambiguous', (raw) => {
    expect(requestPath(raw)).toBeNull();
  });
});

describe('the rule tester explains each decision in words', () => {
  const names = { group: (id: number) => (id === ADMINS ? 'admins' : undefined), user: () => 'alice' };
  const adminsRule = rule({ who: { kind: 'members', groupIds: [ADMINS], userIds: [] }, mfaMaxAgeMinutes: 15 });

  it('"rule 2 matched: group admins, MFA within 15 minutes → allow"', () => {
    const rules = [rule({ networks: ['192.0.2.0/24'], requirement: 'deny' }), adminsRule];
    const decision = evaluateAccess(app(rules), request(), person({ groupIds: [ADMINS] }), NOW);
    expect(decisionText(decision, rules, names, { who: 'alice', mfaMinutesAgo: 1 })).toBe(
      'Rule 2 matched: Group admins · MFA within 15 minutes → allow: alice is let in.',
    );
  });

  it('says why the MFA step is asked for', () => {
    const decision = evaluateAccess(
      app([adminsRule]),
      request(),
      person({ groupIds: [ADMINS], mfaAt: NOW - 40 * 60_000 }),
      NOW,
    );
    expect(decisionText(decision, [adminsRule], names, { who: 'alice', mfaMinutesAgo: 40 })).toBe(
      'Rule 1 matched: Group admins · MFA within 15 minutes → MFA step first (the last MFA was 40 minutes ago), then allow.',
    );
  });

  it('names the default when nothing matched, and deleted groups as such', () => {
    const decision = evaluateAccess(app([adminsRule]), request(), person(), NOW);
    expect(decisionText(decision, [adminsRule], names, { who: 'bob', mfaMinutesAgo: 0 })).toBe(
      'No rule matched → deny (the default): bob is refused.',
    );
    expect(
      describeRule(
        rule({
          who: { kind: 'members', groupIds: [99], userIds: [10] },
          networks: ['10.0.0.0/8'],
          methods: ['GET'],
          paths: ['/admin'],
          requirement: 'factor',
          factorTypes: ['totp', 'duo'],
          mfaMaxAgeMinutes: 120,
        }),
        names,
      ),
    ).toBe(
      'Group (deleted group 99) or user alice · from 10.0.0.0/8 · GET · paths /admin · MFA with an authenticator app or Duo within 2 hours',
    );
  });
});
