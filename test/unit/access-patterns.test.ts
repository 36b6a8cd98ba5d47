import { describe, expect, it } from 'vitest';
import { effectiveMfaMode } from '../../src/server/groups/mfa-mode.ts';
import {
  hostCovers,
  networkContains,
  parseAddress,
  parseHostPattern,
  parseNetwork,
  parsePathPrefix,
} from '../../src/shared/api/access-patterns.ts';
import { applicationBodySchema } from '../../src/shared/api/applications.ts';

/** The first message per field, as the API answers VALIDATION_FAILED. */
function problems(body: unknown): Record<string, string> {
  const result = applicationBodySchema.safeParse(body);
  if (result.success) return {};
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[issue.path.join('.') || '_'] ??= issue.message;
  return fields;
}

const app = (overrides: Record<string, unknown> = {}) => ({
  name: 'Grafana',
  urls: [{ host: 'grafana.example.com' }],
  ...overrides,
});

describe('host patterns', () => {
  it.each([
    ['Grafana.Example.COM.', 'grafana.example.com', 'exact'],
    ['*.lab.example.com', '*.lab.example.com', 'wildcard'],
    ['router.lan:8443', 'router.lan:8443', 'exact'],
    ['10.0.0.1', '10.0.0.1', 'exact'],
    ['wiki', 'wiki', 'exact'],
  ])('%s is the pattern %s', (input, text, kind) => {
    expect(parseHostPattern(input)).toMatchObject({ ok: true, value: { text, kind } });
  });

  it.each([
    ['', 'Enter a host, such as grafana.example.com or *.lab.example.com.'],
    ['https://grafana.example.com', 'Enter the host only, without https:// (a path goes under Path prefix).'],
    ['grafana.example.com/admin', 'Enter the host only; put a path such as /admin under Path prefix.'],
    [
      '*.com',
      '"*.com" would match every host under .com: a wildcard needs at least two labels after it, as in *.lab.example.com.',
    ],
    ['grafana.*.example.com', 'A wildcard must be the whole first label, as in *.lab.example.com.'],
    ['*.*.example.com', 'Only the first label may be a wildcard, as in *.lab.example.com.'],
    [
      'gra fana.example.com',
      '"gra fana.example.com" is not a valid host: use letters, digits and hyphens between dots.',
    ],
    ['1.2.3', '"1.2.3" is not a valid host: use letters, digits and hyphens between dots.'],
    ['grafana.example.com:0', 'Port 0 is not a valid port (1–65535).'],
    ['[::1]', 'Use a DNS name or an IPv4 address; IPv6 literals are not supported.'],
  ])('"%s" is refused: %s', (input, message) => {
    expect(parseHostPattern(input)).toEqual({ ok: false, message });
  });

  it('knows when one pattern covers another', () => {
    const p = (text: string) => {
      const parsed = parseHostPattern(text);
      if (!parsed.ok) throw new Error(parsed.message);
      return parsed.value;
    };
    expect(hostCovers(p('*.lab.example.com'), p('grafana.lab.example.com'))).toBe(true);
    expect(hostCovers(p('*.example.com'), p('*.lab.example.com'))).toBe(true);
    expect(hostCovers(p('*.lab.example.com'), p('*.example.com'))).toBe(false);
    expect(hostCovers(p('*.lab.example.com'), p('lab.example.com'))).toBe(false);
    expect(hostCovers(p('*.lab.example.com'), p('xlab.example.com'))).toBe(false);
    expect(hostCovers(p('grafana.example.com:8443'), p('grafana.example.com'))).toBe(false);
  });
});

describe('networks (CIDR)', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.1.2.3', '10.1.2.3/32'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['::ffff:10.1.2.3', '10.1.2.3/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'],
  ])('%s is %s', (input, text) => {
    expect(parseNetwork(input)).toMatchObject({ ok: true, value: { text } });
  });

  it.each([
    ['10.0.0.0/33', '"10.0.0.0/33" has an invalid prefix length: IPv4 allows 0 to 32.'],
    ['10.0.0.1/8', '"10.0.0.1/8" has host bits set: did you mean 10.0.0.0/8?'],
    [
      '10.0.0/8',
      '"10.0.0/8" is not a network: use an address and a prefix length, such as 10.0.0.0/8 or 2001:db8::/32.',
    ],
    [
      '010.0.0.0/8',
      '"010.0.0.0/8" is not a network: use an address and a prefix length, such as 10.0.0.0/8 or 2001:db8::/32.',
    ],
    [
      '1::2::3/64',
      '"1::2::3/64" is not a network: use an address and a prefix length, such as 10.0.0.0/8 or 2001:db8::/32.',
    ],
    ['fe80::1/10', '"fe80::1/10" has host bits set: did you mean fe80::/10?'],
    [
      '10.0.0.0/8/9',
      '"10.0.0.0/8/9" is not a network: use an address and a prefix length, such as 10.0.0.0/8 or 2001:db8::/32.',
    ],
  ])('"%s" is refused: %s', (input, message) => {
    expect(parseNetwork(input)).toEqual({ ok: false, message });
  });

  it('matches addresses inside, not outside, and not across families', () => {
    const net = parseNetwork('10.0.0.0/8');
    if (!net.ok) throw new Error(net.message);
    expect(networkContains(net.value, parseAddress('10.255.0.1') ?? { family: 4, bytes: new Uint8Array() })).toBe(true);
    expect(networkContains(net.value, parseAddress('11.0.0.1') ?? { family: 4, bytes: new Uint8Array() })).toBe(false);
    expect(networkContains(net.value, parseAddress('::a00:1') ?? { family: 6, bytes: new Uint8Array() })).toBe(false);
  });
});

describe('path prefixes', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['/admin/', '/admin'],
    ['/api/v1', '/api/v1'],
  ])('%s is %s', (input, value) => {
    expect(parsePathPrefix(input)).toEqual({ ok: true, value });
  });
  it.each(['admin', '/a/../b', '/a//b', '/a?x=1', '/a%2fb', '/a b'])('%s is refused', (input) => {
    expect(parsePathPrefix(input).ok).toBe(false);
  });
});

describe('every bad application or rule is refused with a message a person can act on', () => {
  it('an empty host', () => {
    expect(problems(app({ urls: [{ host: '  ' }] }))).toEqual({
      'urls.0.host': 'Enter a host, such as grafana.example.com or *.lab.example.com.',
    });
  });

  it('no URL at all', () => {
    expect(problems(app({ urls: [] }))).toEqual({
      urls: 'Add at least one URL: the host (and optional path) the application is reached at.',
    });
  });

  it('an overlapping wildcard (one URL already covers another)', () => {
    expect(problems(app({ urls: [{ host: '*.lab.example.com' }, { host: 'grafana.lab.example.com' }] }))).toEqual({
      'urls.1.host':
        'grafana.lab.example.com overlaps *.lab.example.com above: one already covers the other. Remove one of them.',
    });
    expect(
      problems(app({ urls: [{ host: 'wiki.example.com', pathPrefix: '/admin' }, { host: '*.example.com' }] })),
    ).toEqual({
      'urls.1.host':
        '*.example.com overlaps wiki.example.com/admin above: one already covers the other. Remove one of them.',
    });
  });

  it('an invalid CIDR', () => {
    expect(
      problems(app({ rules: [{ who: { kind: 'everyone' }, requirement: 'mfa', networks: ['10.0.0.0/33'] }] })),
    ).toEqual({
      'rules.0.networks.0': '"10.0.0.0/33" has an invalid prefix length: IPv4 allows 0 to 32.',
    });
  });

  it('a rule with no requirement', () => {
    expect(problems(app({ rules: [{ who: { kind: 'everyone' } }] }))).toEqual({
      'rules.0.requirement': 'Choose what this rule requires: deny, password, MFA, or a given kind of MFA.',
    });
  });

  it('a rule for nobody, a kind of MFA missing or misplaced, an MFA age on a deny', () => {
    expect(
      problems(
        app({
          rules: [
            { who: { kind: 'members', groupIds: [], userIds: [] }, requirement: 'mfa' },
            { who: { kind: 'everyone' }, requirement: 'factor' },
            { who: { kind: 'everyone' }, requirement: 'mfa', factorTypes: ['duo'] },
            { who: { kind: 'everyone' }, requirement: 'deny', mfaMaxAgeMinutes: 5 },
            { who: { kind: 'everyone' }, requirement: 'mfa', methods: ['FETCH'] },
            { who: { kind: 'everyone' }, requirement: 'mfa', paths: ['admin'] },
          ],
        }),
      ),
    ).toEqual({
      'rules.0.who': 'Choose at least one group or user, or make the rule apply to everyone signed in.',
      'rules.1.factorTypes': 'Choose the kind of MFA this rule requires.',
      'rules.2.factorTypes': 'Kinds of MFA apply only to a rule that requires a given kind of MFA.',
      'rules.3.mfaMaxAgeMinutes': 'An MFA age applies only to a rule that requires MFA.',
      'rules.4.methods.0': 'Methods are GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS.',
      'rules.5.paths.0': '"admin" must start with /, as in /admin.',
    });
  });

  it('a new application defaults to "MFA, everyone signed in", never to open', () => {
    const parsed = applicationBodySchema.parse(app());
    expect(parsed.rules).toEqual([
      {
        who: { kind: 'everyone' },
        networks: [],
        methods: [],
        paths: [],
        requirement: 'mfa',
        factorTypes: [],
        mfaMaxAgeMinutes: null,
      },
    ]);
    expect(parsed.enabled).toBe(true);
  });
});

describe('the MFA requirement of a group member', () => {
  it.each([
    ['off', [], 'off', 'instance'],
    ['required', [], 'required', 'instance'],
    ['off', ['inherit'], 'off', 'instance'],
    ['off', ['required'], 'required', 'group'],
    ['required', ['off'], 'off', 'group'],
    ['required', ['off', 'required'], 'required', 'group'],
    ['off', ['inherit', 'off'], 'off', 'group'],
  ] as const)('instance %s, groups %j → %s (from %s)', (instance, groups, mode, from) => {
    expect(effectiveMfaMode(instance, groups)).toEqual({ mode, from });
  });
});
