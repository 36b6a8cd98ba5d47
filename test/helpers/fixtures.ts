import type { AuditContext } from '../../src/server/audit/events.ts';
import type { Role } from '../../src/server/db/repos/users-repo.ts';
import type { TestPortal } from './portal.ts';

export const STRONG_PASSWORD = 'correct-horse-battery-7';
export const SYSTEM_CONTEXT: AuditContext = { actor: null, ip: null, userAgent: 'test-fixture', requestId: null };

export async function seedUser(
  portal: TestPortal,
  username: string,
  options: { role?: Role; password?: string; email?: string } = {},
) {
  return portal.services.accounts.createUser(
    {
      username,
      displayName: username[0]?.toUpperCase() + username.slice(1),
      email: options.email ?? `${username}@example.com`,
      role: options.role ?? 'user',
      password: options.password ?? STRONG_PASSWORD,
    },
    SYSTEM_CONTEXT,
    'cli',
  );
}

/**
 * Gives a user a factor of a provider, as a completed "Configure MFA" leaves behind (a Duo enrolment
 * holds no secret here; the provider's type is the factor's type).
 */
export async function seedFactor(portal: TestPortal, userId: number, providerId: number): Promise<string> {
  const db = portal.services.storage.db;
  const provider = await db
    .selectFrom('mfa_providers')
    .select(['type', 'name'])
    .where('id', '=', providerId)
    .executeTakeFirstOrThrow();
  const id = `seeded-${userId}-${providerId}`;
  const first = !(await db.selectFrom('user_factors').select('id').where('user_id', '=', userId).executeTakeFirst());
  await db
    .insertInto('user_factors')
    .values({
      id,
      user_id: userId,
      type: provider.type,
      provider_id: providerId,
      label: provider.name,
      secret: null,
      counter: null,
      is_default: first ? 1 : 0,
      created_at: portal.clock(),
      last_used_at: null,
    })
    .execute();
  return id;
}

export async function auditRows(portal: TestPortal, type?: string) {
  let query = portal.services.storage.db.selectFrom('audit_events').selectAll().orderBy('id');
  if (type) query = query.where('type', '=', type);
  return query.execute();
}
