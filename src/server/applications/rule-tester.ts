import type { z } from 'zod';
import { parseAddress } from '../../shared/api/access-patterns.ts';
import type { AccessTestResult, accessTestBodySchema } from '../../shared/api/applications.ts';
import type { Storage } from '../db/database.ts';
import type { ApplicationRecord } from '../db/repos/applications-repo.ts';
import { createRepos } from '../db/repos/index.ts';
import { fieldError } from '../errors/catalogue.ts';
import {
  type AccessSubject,
  compileApplication,
  evaluateAccess,
  indexApplications,
  requestPath,
  type TraceEntry,
} from './access-rules.ts';
import { namesFor } from './application-service.ts';
import { decisionText, describeRule, whyText } from './explain.ts';
import { canonical } from './validation.ts';

export type AccessTestInput = z.output<typeof accessTestBodySchema>;

/**
 * The rule tester: the same evaluation forward-auth makes, for a person, an address, a method and a
 * URL, with every rule's verdict in words. Against what is saved, or against a draft being edited.
 */
export function createRuleTester(deps: { storage: Storage; clock: () => number }) {
  return async function test(input: AccessTestInput): Promise<AccessTestResult> {
    const repos = createRepos(deps.storage.db);
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw fieldError('url', 'Enter a full address, such as https://grafana.example.com/admin.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw fieldError('url', 'The address starts with https:// or http://.');
    const ip = parseAddress(input.ip);
    if (!ip) throw fieldError('ip', 'Enter an IP address, such as 10.1.2.3 or 2001:db8::1.');
    const user = input.username ? await repos.users.findByUsername(input.username) : undefined;
    if (input.username && !user) throw fieldError('username', `There is no user named "${input.username}".`);

    const records: ApplicationRecord[] = input.draft
      ? [{ id: 0, createdAt: 0, createdBy: null, updatedAt: 0, updatedBy: null, ...canonical(input.draft) }]
      : await repos.applications.all();
    const names = await namesFor(repos, records);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const path = requestPath(url.pathname);
    const found = indexApplications(records.map(compileApplication)).find(url.hostname, port, path ?? url.pathname);
    const groupIds = user ? await repos.groups.groupIdsOf(user.id) : [];
    const groupNames = groupIds.flatMap((id) => names.group(id) ?? []).sort((a, b) => a.localeCompare(b));
    const person = user ? { username: user.username, groups: groupNames } : null;
    const who = user ? user.username : 'someone not signed in';
    if (!found)
      return {
        decision: 'deny',
        summary: `No application has ${url.host}${url.pathname} among its URLs → deny: the proxy refuses what no application claims.`,
        application: null,
        matchedRule: null,
        trace: [],
        user: person,
      };
    const record = records.find((candidate) => candidate.id === found.app.id);
    const application = { id: input.draft ? null : found.app.id, name: found.app.name };
    if (user?.disabled)
      return {
        decision: 'deny',
        summary: `${user.username} is disabled → deny: a disabled user has no session.`,
        application,
        matchedRule: null,
        trace: [],
        user: person,
      };
    const now = deps.clock();
    const subject: AccessSubject | null = user
      ? {
          userId: user.id,
          groupIds,
          authLevel: input.signedInWith,
          mfaAt: input.signedInWith === 'mfa' ? now - input.mfaMinutesAgo * 60_000 : null,
          factorType: input.signedInWith === 'mfa' ? (input.factorType ?? 'duo') : null,
        }
      : null;
    const trace: TraceEntry[] = [];
    const decision = evaluateAccess(found.app, { method: input.method, path, ip }, subject, now, trace);
    const rules = record?.rules ?? [];
    return {
      decision: decision.kind,
      summary: decisionText(decision, rules, names, {
        who,
        mfaMinutesAgo: input.signedInWith === 'mfa' ? input.mfaMinutesAgo : null,
      }),
      application,
      matchedRule: decision.kind === 'deny' && decision.reason !== 'rule' ? null : decision.rule,
      trace: trace.map((entry) => {
        const rule = rules[entry.rule - 1];
        return {
          rule: entry.rule,
          text: rule ? describeRule(rule, names) : '',
          matched: entry.matched,
          why: whyText(entry),
        };
      }),
      user: person,
    };
  };
}
