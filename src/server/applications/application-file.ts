import { parse, stringify } from 'yaml';
import { z } from 'zod';
import type { AccessRule, ApplicationBody } from '../../shared/api/applications.ts';
import type { ApplicationRecord } from '../db/repos/applications-repo.ts';

/**
 * Applications as code (`portcullis app apply apps.yaml`, `portcullis app show`): the API's body, with
 * groups and users named rather than numbered, and a URL given as its host alone when it has no path.
 *
 *   applications:
 *     - name: Grafana
 *       urls: [grafana.example.com]
 *       rules:
 *         - who: { groups: [admins] }
 *           requirement: mfa
 *           mfaMaxAgeMinutes: 15
 *         - who: everyone
 *           requirement: deny
 */

const whoSchema = z.union([
  z.literal('everyone'),
  z.object({ groups: z.array(z.string()).default([]), users: z.array(z.string()).default([]) }).strict(),
]);

const fileSchema = z
  .object({
    applications: z.array(
      z
        .object({
          urls: z.array(
            z.union([z.string(), z.object({ host: z.string(), pathPrefix: z.string().optional() }).strict()]),
          ),
          rules: z.array(z.object({ who: whoSchema.default('everyone') }).passthrough()).optional(),
        })
        .passthrough(),
    ),
  })
  .strict();

export class ApplicationFileError extends Error {}

export interface NameLookup {
  groupId(name: string): number | undefined;
  userId(name: string): number | undefined;
}

/** The file's applications as API bodies; an unknown group or user is refused by name, with its rule. */
export function readApplicationsFile(text: string, names: NameLookup): ApplicationBody[] {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new ApplicationFileError(`the file is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApplicationFileError(
      `the file must hold "applications:", a list of applications (${issue?.path.join('.') || 'file'}: ${issue?.message})`,
    );
  }
  return parsed.data.applications.map((entry, appIndex) => {
    const label = typeof entry.name === 'string' ? `"${entry.name}"` : `application ${appIndex + 1}`;
    const rules = (entry.rules ?? []).map((rule, ruleIndex) => {
      const { who, ...rest } = rule;
      if (who === 'everyone') return { ...rest, who: { kind: 'everyone' } };
      const resolve = (list: string[], find: (name: string) => number | undefined, noun: string) =>
        list.map((name) => {
          const id = find(name);
          if (id === undefined)
            throw new ApplicationFileError(`${label}, rule ${ruleIndex + 1}: there is no ${noun} named "${name}"`);
          return id;
        });
      return {
        ...rest,
        who: {
          kind: 'members',
          groupIds: resolve(who.groups, (name) => names.groupId(name), 'group'),
          userIds: resolve(who.users, (name) => names.userId(name), 'user'),
        },
      };
    });
    return {
      ...entry,
      urls: entry.urls.map((url) => (typeof url === 'string' ? { host: url } : url)),
      ...(entry.rules && { rules: rules as AccessRule[] }),
    } as ApplicationBody;
  });
}

/** An application in the file's own terms, for `app show` (and to start a file from). */
export function applicationToYaml(
  app: ApplicationRecord,
  names: { group(id: number): string | undefined; user(id: number): string | undefined },
): string {
  const rule = (entry: AccessRule) => ({
    who:
      entry.who.kind === 'everyone'
        ? 'everyone'
        : {
            ...(entry.who.groupIds.length && { groups: entry.who.groupIds.map((id) => names.group(id) ?? `#${id}`) }),
            ...(entry.who.userIds.length && { users: entry.who.userIds.map((id) => names.user(id) ?? `#${id}`) }),
          },
    requirement: entry.requirement,
    ...(entry.networks.length && { networks: entry.networks }),
    ...(entry.methods.length && { methods: entry.methods }),
    ...(entry.paths.length && { paths: entry.paths }),
    ...(entry.factorTypes.length && { factorTypes: entry.factorTypes }),
    ...(entry.mfaMaxAgeMinutes !== null && { mfaMaxAgeMinutes: entry.mfaMaxAgeMinutes }),
  });
  return stringify({
    applications: [
      {
        name: app.name,
        ...(app.description && { description: app.description }),
        colour: app.colour,
        enabled: app.enabled,
        urls: app.urls.map((url) => (url.pathPrefix === '/' ? url.host : url)),
        rules: app.rules.map(rule),
        headers: app.headers,
      },
    ],
  });
}
