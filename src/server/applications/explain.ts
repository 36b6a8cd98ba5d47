import type { AccessRule } from '../../shared/api/applications.ts';
import type { AccessDecision, Mismatch, TraceEntry } from './access-rules.ts';

/** Names for the ids a rule holds; an id without a name (deleted since) is shown as such. */
export interface Names {
  group(id: number): string | undefined;
  user(id: number): string | undefined;
}

const FACTOR_WORDS: Record<string, string> = { duo: 'Duo', totp: 'an authenticator app' };

const list = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

function whoText(rule: AccessRule, names: Names): string {
  if (rule.who.kind === 'everyone') return 'Everyone signed in';
  const groups = rule.who.groupIds.map((id) => names.group(id) ?? `(deleted group ${id})`);
  const users = rule.who.userIds.map((id) => names.user(id) ?? `(unknown user ${id})`);
  const parts = [
    ...(groups.length ? [`${groups.length === 1 ? 'group' : 'groups'} ${groups.join(', ')}`] : []),
    ...(users.length ? [`${users.length === 1 ? 'user' : 'users'} ${users.join(', ')}`] : []),
  ];
  const text = parts.join(' or ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function requirementText(rule: Pick<AccessRule, 'requirement' | 'factorTypes' | 'mfaMaxAgeMinutes'>): string {
  const age = rule.mfaMaxAgeMinutes === null ? '' : ` within ${minutes(rule.mfaMaxAgeMinutes)}`;
  switch (rule.requirement) {
    case 'deny':
      return 'deny';
    case 'password':
      return 'password';
    case 'mfa':
      return `MFA${age}`;
    case 'factor':
      return `MFA with ${list(rule.factorTypes.map((type) => FACTOR_WORDS[type] ?? type))}${age}`;
  }
}

export function minutes(count: number): string {
  if (count % 1440 === 0) return `${count / 1440} ${count === 1440 ? 'day' : 'days'}`;
  if (count % 60 === 0) return `${count / 60} ${count === 60 ? 'hour' : 'hours'}`;
  return `${count} ${count === 1 ? 'minute' : 'minutes'}`;
}

/** "Group admins · from 10.0.0.0/8 · GET, POST · /admin · MFA within 15 minutes". */
export function describeRule(rule: AccessRule, names: Names): string {
  return [
    whoText(rule, names),
    ...(rule.networks.length ? [`from ${rule.networks.join(', ')}`] : []),
    ...(rule.methods.length ? [rule.methods.join(', ')] : []),
    ...(rule.paths.length ? [`paths ${rule.paths.join(', ')}`] : []),
    requirementText(rule),
  ].join(' · ');
}

const MISMATCH_WORDS: Record<Mismatch, string> = {
  network: 'the address is not in its networks',
  method: 'the method is not one of its methods',
  path: 'the path is not under its paths',
  who: 'it is for other people',
};

export function whyText(entry: TraceEntry): string {
  return entry.mismatch ? `skipped: ${MISMATCH_WORDS[entry.mismatch]}` : 'matched';
}

/**
 * The tester's one sentence: "Rule 2 matched: Group admins · MFA within 15 minutes → allow."
 * `who` is the person in words ("alice", "someone not signed in").
 */
export function decisionText(
  decision: AccessDecision,
  rules: readonly AccessRule[],
  names: Names,
  context: { who: string; mfaMinutesAgo: number | null },
): string {
  const ruleText = (position: number) => {
    const rule = rules[position - 1];
    return rule ? `Rule ${position} matched: ${describeRule(rule, names)}` : `Rule ${position} matched`;
  };
  switch (decision.kind) {
    case 'allow':
      return `${ruleText(decision.rule)} → allow: ${context.who} is let in.`;
    case 'sign_in':
      return `${ruleText(decision.rule)} → sign in first: the rule depends on who it is, so ${context.who} is sent to the sign-in page.`;
    case 'step_up': {
      const why =
        decision.reason === 'no_mfa'
          ? 'the session has no MFA'
          : decision.reason === 'other_factor'
            ? 'the session used another kind of MFA'
            : `the last MFA was ${context.mfaMinutesAgo === null ? 'too long' : minutes(context.mfaMinutesAgo)} ago`;
      return `${ruleText(decision.rule)} → MFA step first (${why}), then allow.`;
    }
    case 'deny':
      if (decision.reason === 'disabled') return 'The application is disabled → deny: nobody is let in.';
      if (decision.reason === 'ambiguous_path')
        return 'The path is ambiguous (an encoded dot segment or backslash) → deny: the rules cannot tell where it leads.';
      if (decision.reason === 'no_rule') return `No rule matched → deny (the default): ${context.who} is refused.`;
      return `${ruleText(decision.rule ?? 0)} → deny: ${context.who} is refused.`;
  }
}
