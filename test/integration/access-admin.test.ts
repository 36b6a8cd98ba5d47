// Settings > Access > Groups and Settings > Applications over the real API on both engines: every
// change validated, audited and refused cleanly (the old state intact); the report with filters and
// CSV; the rule tester's words; and each group's MFA policy in the sign-in decision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessTestResult, ApplicationView } from '../../src/shared/api/applications.ts';
import type { GroupDetail } from '../../src/shared/api/groups.ts';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { addMembers, createApplication, createGroup } from '../helpers/forward-auth.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';
import { missingPrograms } from '../helpers/programs.ts';
import { enrolTotp, registerTotp } from '../helpers/totp.ts';

// The MFA policy suite enrols an authenticator app with codes from oathtool (test/helpers/programs.ts).
const MISSING_PROGRAMS = missingPrograms('oathtool');

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string>; details?: unknown } };

describe.each(ENGINES)('groups and applications on %s', (engine) => {
  let portal: TestPortal;
  let admin: TestClient;
  let alice: number;
  let bob: number;

  const lastDetails = async (type: string) => JSON.parse((await auditRows(portal, type)).at(-1)?.details ?? '{}');

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'admin', { role: 'administrator' });
    alice = (await seedUser(portal, 'alice')).id;
    bob = (await seedUser(portal, 'bob')).id;
    admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
  });
  afterAll(() => portal.close());

  it('groups: create, rename, members, MFA policy, each audited; bad input refused with its field', async () => {
    const ops = await createGroup(admin, 'ops');
    expect(ops).toMatchObject({ name: 'ops', mfaPolicy: 'inherit', memberCount: 0, usedBy: [] });
    expect(await lastDetails('group.created')).toEqual({ name: 'ops', mfaPolicy: 'inherit', description: '' });

    const taken = await admin.post('/api/admin/groups', { name: 'OPS' });
    expect(taken.status).toBe(409);
    expect(taken.json<ErrorBody>().error).toMatchObject({
      code: 'GROUP_NAME_TAKEN',
      fields: { name: 'Another group already has this name.' },
    });
    const bad = await admin.post('/api/admin/groups', { name: 'a,b', mfaPolicy: 'sometimes' });
    expect(bad.json<ErrorBody>().error.fields).toEqual({
      name: 'A group name may use letters, digits, spaces, dots, dashes and underscores, and starts with a letter or digit (no commas: applications receive groups as a comma-separated list).',
      mfaPolicy: 'MFA must be inherit (the instance policy), required or off.',
    });

    const renamed = await admin.patch(`/api/admin/groups/${ops.id}`, { name: 'Operations', mfaPolicy: 'required' });
    expect(renamed.json()).toMatchObject({ name: 'Operations', mfaPolicy: 'required' });
    expect(await lastDetails('group.updated')).toEqual({
      changes: { name: { from: 'ops', to: 'Operations' }, mfaPolicy: { from: 'inherit', to: 'required' } },
    });

    await addMembers(admin, ops.id, [alice, bob, alice]);
    expect(await lastDetails('group.members_added')).toEqual({ group: 'Operations', usernames: ['alice', 'bob'] });
    const unknown = await admin.post(`/api/admin/groups/${ops.id}/members`, { userIds: [alice, 999_999] });
    expect(unknown.json<ErrorBody>().error.fields).toEqual({
      userIds: 'There is no user with id 999999: choose existing users.',
    });
    const removed = await admin.raw('DELETE', `/api/admin/groups/${ops.id}/members/${bob}`);
    expect(removed.status).toBe(204);
    const detail = (await admin.get(`/api/admin/groups/${ops.id}`)).json<GroupDetail>();
    expect(detail.members.map((member) => member.username)).toEqual(['alice']);

    const memberships = await admin.get(`/api/admin/groups/memberships?userIds=${alice},${bob}`);
    expect(memberships.json()).toEqual({
      items: [
        { userId: alice, groups: [{ id: ops.id, name: 'Operations' }] },
        { userId: bob, groups: [] },
      ],
    });
  });

  it('a group named by a rule cannot be deleted; once the rule is gone it can', async () => {
    const auditors = await createGroup(admin, 'auditors');
    const wiki = await createApplication(admin, {
      name: 'Audit wiki',
      urls: [{ host: 'audit.example.com' }],
      rules: [{ who: { kind: 'members', groupIds: [auditors.id], userIds: [] }, requirement: 'password' }],
    });
    const refused = await admin.raw('DELETE', `/api/admin/groups/${auditors.id}`);
    expect(refused.status).toBe(409);
    expect(refused.json<ErrorBody>().error).toMatchObject({
      code: 'GROUP_IN_USE',
      message: 'The rules of "Audit wiki" name this group. Remove it from those rules first.',
      details: { applications: [{ id: wiki.id, name: 'Audit wiki' }] },
    });
    expect((await admin.get(`/api/admin/groups/${auditors.id}`)).status).toBe(200);
    await admin.raw('PUT', `/api/admin/applications/${wiki.id}`, {
      body: {
        name: 'Audit wiki',
        urls: [{ host: 'audit.example.com' }],
        rules: [{ who: { kind: 'everyone' }, requirement: 'mfa' }],
      },
    });
    expect((await admin.raw('DELETE', `/api/admin/groups/${auditors.id}`)).status).toBe(204);
    expect(await lastDetails('group.deleted')).toEqual({ name: 'auditors', members: 0 });
  });

  it('applications: a new one defaults to MFA for everyone; every bad rule is refused and nothing changes', async () => {
    const created = await createApplication(admin, { name: 'Grafana', urls: [{ host: 'Grafana.Example.com' }] });
    expect(created).toMatchObject({
      urls: [{ host: 'grafana.example.com', pathPrefix: '/' }],
      ruleSummaries: ['Everyone signed in · MFA'],
      protocol: 'forward_auth',
      enabled: true,
      headers: { user: true, groups: true, email: true, name: true, authLevel: true, jwt: false },
    });
    expect(await lastDetails('application.created')).toMatchObject({
      urls: ['grafana.example.com'],
      rules: ['Everyone signed in · MFA'],
    });

    const refusals: Array<[unknown, Record<string, string>]> = [
      [
        { name: 'Empty', urls: [{ host: '' }] },
        { 'urls.0.host': 'Enter a host, such as grafana.example.com or *.lab.example.com.' },
      ],
      [
        { name: 'Lab', urls: [{ host: '*.lab.example.com' }, { host: 'proxmox.lab.example.com' }] },
        {
          'urls.1.host':
            'proxmox.lab.example.com overlaps *.lab.example.com above: one already covers the other. Remove one of them.',
        },
      ],
      [
        { name: 'Grafana 2', urls: [{ host: 'grafana.example.com' }] },
        {
          'urls.0.host':
            'grafana.example.com already belongs to the application "Grafana": one address, one application.',
        },
      ],
      [
        {
          name: 'Cidr',
          urls: [{ host: 'cidr.example.com' }],
          rules: [{ who: { kind: 'everyone' }, requirement: 'mfa', networks: ['10.0.0.0/33'] }],
        },
        { 'rules.0.networks.0': '"10.0.0.0/33" has an invalid prefix length: IPv4 allows 0 to 32.' },
      ],
      [
        { name: 'Nothing', urls: [{ host: 'nothing.example.com' }], rules: [{ who: { kind: 'everyone' } }] },
        { 'rules.0.requirement': 'Choose what this rule requires: deny, password, MFA, or a given kind of MFA.' },
      ],
      [
        {
          name: 'Ghost',
          urls: [{ host: 'ghost.example.com' }],
          rules: [{ who: { kind: 'members', groupIds: [424242], userIds: [] }, requirement: 'mfa' }],
        },
        {
          'rules.0.who.groupIds':
            'Rule 1 names an unknown group (id 424242): choose one of the existing groups (it may have been deleted).',
        },
      ],
    ];
    const before = (await admin.get('/api/admin/applications')).json<{ total: number }>().total;
    for (const [body, fields] of refusals) {
      const response = await admin.post('/api/admin/applications', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json<ErrorBody>().error).toMatchObject({ code: 'VALIDATION_FAILED', fields });
    }
    expect((await admin.get('/api/admin/applications')).json<{ total: number }>().total).toBe(before);
    const taken = await admin.post('/api/admin/applications', {
      name: 'grafana',
      urls: [{ host: 'other.example.com' }],
    });
    expect(taken.json<ErrorBody>().error.code).toBe('APPLICATION_NAME_TAKEN');

    // A failed edit leaves the record as it was.
    const edit = await admin.raw('PUT', `/api/admin/applications/${created.id}`, {
      body: {
        name: 'Grafana',
        urls: [{ host: 'grafana.example.com' }],
        rules: [{ who: { kind: 'everyone' }, requirement: 'mfa', networks: ['nope'] }],
      },
    });
    expect(edit.status).toBe(400);
    expect((await admin.get(`/api/admin/applications/${created.id}`)).json<ApplicationView>().ruleSummaries).toEqual([
      'Everyone signed in · MFA',
    ]);
  });

  it('the report filters, sorts and exports as CSV', async () => {
    await createApplication(admin, { name: 'Proxmox', enabled: false, urls: [{ host: 'proxmox.lab.example.com' }] });
    const disabled = (await admin.get('/api/admin/applications?enabled=false')).json<{ items: ApplicationView[] }>();
    expect(disabled.items.map((item) => item.name)).toEqual(['Proxmox']);
    const byHost = (await admin.get('/api/admin/applications?host=lab.example')).json<{ items: ApplicationView[] }>();
    expect(byHost.items.map((item) => item.name)).toEqual(['Proxmox']);
    const desc = (await admin.get('/api/admin/applications?sort=name&order=desc')).json<{ items: ApplicationView[] }>();
    expect(desc.items[0]?.name).toBe('Proxmox');
    const csv = await admin.get('/api/admin/applications/export.csv?name=prox');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')).toEqual([
      '"ID","Name","Protocol","Enabled","URLs","Rules","Headers","Updated","Updated by"',
      expect.stringMatching(
        /^"\d+","Proxmox","Forward auth","No","proxmox\.lab\.example\.com","1\. Everyone signed in · MFA","user groups email name authLevel",".+","admin"$/,
      ),
      '',
    ]);
  });

  it('the rule tester says who is let in and why, for saved rules and for a draft', async () => {
    const admins = await createGroup(admin, 'admins');
    await addMembers(admin, admins.id, [alice]);
    await createApplication(admin, {
      name: 'Console',
      urls: [{ host: 'console.example.com' }],
      rules: [
        { who: { kind: 'everyone' }, requirement: 'deny', networks: ['192.0.2.0/24'] },
        { who: { kind: 'members', groupIds: [admins.id], userIds: [] }, requirement: 'mfa', mfaMaxAgeMinutes: 15 },
      ],
    });
    const test = async (body: Record<string, unknown>) => {
      const response = await admin.post('/api/admin/access/test', {
        ip: '10.1.2.3',
        url: 'https://console.example.com/admin',
        ...body,
      });
      expect(response.status, response.body).toBe(200);
      return response.json<AccessTestResult>();
    };
    const allowed = await test({ username: 'alice' });
    expect(allowed).toMatchObject({
      decision: 'allow',
      summary: 'Rule 2 matched: Group admins · MFA within 15 minutes → allow: alice is let in.',
      matchedRule: 2,
      user: { username: 'alice', groups: ['admins', 'Operations'] },
    });
    expect(allowed.trace).toEqual([
      {
        rule: 1,
        text: 'Everyone signed in · from 192.0.2.0/24 · deny',
        matched: false,
        why: 'skipped: the address is not in its networks',
      },
      { rule: 2, text: 'Group admins · MFA within 15 minutes', matched: true, why: 'matched' },
    ]);
    expect((await test({ username: 'alice', mfaMinutesAgo: 40 })).summary).toBe(
      'Rule 2 matched: Group admins · MFA within 15 minutes → MFA step first (the last MFA was 40 minutes ago), then allow.',
    );
    expect((await test({ username: 'bob' })).summary).toBe('No rule matched → deny (the default): bob is refused.');
    expect((await test({ username: 'alice', ip: '192.0.2.7' })).decision).toBe('deny');
    expect((await test({})).decision).toBe('sign_in');
    expect((await test({ url: 'https://nowhere.example.com/' })).summary).toContain(
      'No application has nowhere.example.com/',
    );
    const draft = await test({
      username: 'bob',
      url: 'https://draft.example.com/',
      draft: {
        name: 'Draft',
        urls: [{ host: 'draft.example.com' }],
        rules: [{ who: { kind: 'everyone' }, requirement: 'password' }],
      },
    });
    expect(draft).toMatchObject({ decision: 'allow', application: { id: null, name: 'Draft' } });
    const wrong = await admin.post('/api/admin/access/test', { username: 'nobody', ip: 'x', url: 'ftp://a' });
    expect(wrong.json<ErrorBody>().error.fields).toEqual({ url: 'The address starts with https:// or http://.' });
  });
});

describe.skipIf(MISSING_PROGRAMS).each(ENGINES)(
  "each group's MFA policy feeds the sign-in decision on %s",
  (engine) => {
    let portal: TestPortal;

    beforeAll(async () => {
      portal = await startTestPortal(engine);
    });
    afterAll(() => portal.close());

    it('a "required" group asks its members for MFA while the instance says off; "off" exempts them while it is required', async () => {
      await seedUser(portal, 'root', { role: 'administrator' });
      const admin = createClient(portal.fastify);
      await admin.signIn('root', STRONG_PASSWORD);
      const totp = await registerTotp(admin);
      await enrolTotp(portal, admin, totp);
      portal.clock.advance(30_000);
      const policy = (mode: string) =>
        admin.raw('PUT', '/api/admin/mfa/policy', { body: { mode, defaultProviderId: totp } });
      expect((await policy('off')).status).toBe(200);
      const strict = await createGroup(admin, 'strict', 'required');
      const relaxed = await createGroup(admin, 'relaxed', 'off');
      const member = await seedUser(portal, 'member');
      const exempt = await seedUser(portal, 'exempt');
      await seedUser(portal, 'plain');
      await addMembers(admin, strict.id, [member.id]);
      await addMembers(admin, relaxed.id, [exempt.id]);

      const signIn = async (username: string) => {
        const client = createClient(portal.fastify);
        return (await client.signIn(username, STRONG_PASSWORD)).json<{ status: string; redirectTo: string }>();
      };
      // Instance off: only the strict group's member must set up MFA (with the default provider).
      expect(await signIn('member')).toMatchObject({ status: 'mfa_required' });
      expect(await signIn('plain')).toMatchObject({ status: 'signed_in' });
      // Instance required: the relaxed group's member signs in with the password alone.
      expect((await policy('required')).status).toBe(200);
      expect(await signIn('plain')).toMatchObject({ status: 'mfa_required' });
      expect(await signIn('exempt')).toMatchObject({ status: 'signed_in' });
      // "required" wins over "off" for someone in both.
      await addMembers(admin, strict.id, [exempt.id]);
      expect(await signIn('exempt')).toMatchObject({ status: 'mfa_required' });
    });
  },
);
