import { parseHostPattern, parseNetwork, parsePathPrefix } from '../../shared/api/access-patterns.ts';
import { type ApplicationInput, urlText } from '../../shared/api/applications.ts';
import type { ApplicationRecord } from '../db/repos/applications-repo.ts';
import type { FieldErrors } from '../errors/catalogue.ts';

/**
 * What the shared schema cannot know: whether another application already owns one of these URLs,
 * and whether the groups and users the rules name exist. Pure; the service gathers the facts. Field
 * names follow the request body (`urls.0.host`, `rules.1.who.groupIds`) so the console marks the input.
 */
export function checkAgainstOthers(
  input: ApplicationInput,
  facts: { others: readonly ApplicationRecord[]; groupIds: ReadonlySet<number>; userIds: ReadonlySet<number> },
): FieldErrors {
  const errors: FieldErrors = {};
  const owned = new Map<string, string>();
  for (const other of facts.others)
    for (const url of other.urls) owned.set(`${url.host}|${url.pathPrefix}`, other.name);
  input.urls.forEach((url, index) => {
    const host = parseHostPattern(url.host);
    const path = parsePathPrefix(url.pathPrefix);
    if (!host.ok || !path.ok) return;
    const owner = owned.get(`${host.value.text}|${path.value}`);
    if (owner)
      errors[`urls.${index}.host`] =
        `${urlText({ host: host.value, path: path.value })} already belongs to the application "${owner}": one address, one application.`;
  });
  input.rules.forEach((rule, index) => {
    if (rule.who.kind !== 'members') return;
    const groups = rule.who.groupIds.filter((id) => !facts.groupIds.has(id));
    const users = rule.who.userIds.filter((id) => !facts.userIds.has(id));
    if (groups.length > 0)
      errors[`rules.${index}.who.groupIds`] =
        `Rule ${index + 1} names an unknown group (id ${groups.join(', ')}): choose one of the existing groups (it may have been deleted).`;
    if (users.length > 0)
      errors[`rules.${index}.who.userIds`] =
        `Rule ${index + 1} names an unknown user (id ${users.join(', ')}): choose existing users.`;
  });
  return errors;
}

/** The stored form of a valid input: canonical host patterns, path prefixes and networks, no duplicates. */
export function canonical(
  input: ApplicationInput,
): Omit<ApplicationRecord, 'id' | 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy'> {
  const value = <T>(parsed: { ok: true; value: T } | { ok: false }, fallback: T) =>
    parsed.ok ? parsed.value : fallback;
  return {
    name: input.name,
    description: input.description,
    colour: input.colour,
    protocol: input.protocol,
    enabled: input.enabled,
    urls: input.urls.map((url) => ({
      host: value(parseHostPattern(url.host), null)?.text ?? url.host,
      pathPrefix: value(parsePathPrefix(url.pathPrefix), url.pathPrefix),
    })),
    rules: input.rules.map((rule) => ({
      ...rule,
      who:
        rule.who.kind === 'everyone'
          ? rule.who
          : { kind: 'members', groupIds: [...new Set(rule.who.groupIds)], userIds: [...new Set(rule.who.userIds)] },
      networks: [...new Set(rule.networks.map((network) => value(parseNetwork(network), null)?.text ?? network))],
      paths: [...new Set(rule.paths.map((path) => value(parsePathPrefix(path), path)))],
      methods: [...new Set(rule.methods)],
      factorTypes: [...new Set(rule.factorTypes)],
    })),
    headers: input.headers,
  };
}
