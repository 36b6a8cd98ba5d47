/**
 * The Duo Admin API in tests: an Admin API application on the emulator (with the permissions Portcullis
 * documents as needed) and the Duo provider edited to use it, as an administrator does in the console.
 */
import { expect } from 'vitest';
import type { DuoSignIn } from './duo-sign-in.ts';
import { freshAdmin } from './duo-sign-in.ts';

export type AdminPermission = 'read_resource' | 'write_resource' | 'read_log' | 'read_information';

export interface AdminKeys {
  adminIntegrationKey: string;
  adminSecretKey: string;
}

/** An Admin API application on the emulator, by default with read resource, write resource and read log. */
export function adminApplication(
  duo: DuoSignIn,
  permissions: AdminPermission[] = ['read_resource', 'write_resource', 'read_log'],
): AdminKeys {
  const { clientId, clientSecret } = duo.env.emulator.registerClient({
    type: 'admin_api',
    name: 'Portcullis Admin API',
    permissions,
  });
  return { adminIntegrationKey: clientId, adminSecretKey: clientSecret };
}

/** The provider's values as the registration form sends them, with the Web SDK application's keys. */
export function providerValues(duo: DuoSignIn, extra: Record<string, string> = {}): Record<string, string> {
  return {
    endpoint: duo.env.app.endpoint,
    clientId: duo.env.app.clientId,
    clientSecret: duo.env.app.clientSecret,
    ...extra,
  };
}

/** Ticks "Use the Duo Admin API" on the provider with these keys (a fresh administrator saves it). */
export async function useAdminApi(
  duo: DuoSignIn,
  keys: AdminKeys = adminApplication(duo),
  providerId = duo.providerId,
) {
  const admin = await freshAdmin(duo.portal);
  const saved = await admin.patch(`/api/admin/mfa/providers/${providerId}`, {
    values: providerValues(duo, { adminApi: 'yes', ...keys }),
  });
  expect(saved.status, saved.body).toBe(200);
  return keys;
}

/** The Admin API calls the emulator received (path and query), in order. */
export function adminCalls(duo: DuoSignIn): Array<{ method: string; path: string; query: Record<string, unknown> }> {
  return duo.env.emulator.requests
    .filter((request) => request.path.startsWith('/admin/'))
    .map((request) => ({ method: request.method, path: request.path, query: request.query }));
}
