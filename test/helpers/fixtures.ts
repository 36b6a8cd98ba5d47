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

export async function auditRows(portal: TestPortal, type?: string) {
  let query = portal.services.storage.db.selectFrom('audit_events').selectAll().orderBy('id');
  if (type) query = query.where('type', '=', type);
  return query.execute();
}
