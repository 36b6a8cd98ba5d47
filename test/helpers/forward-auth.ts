/**
 * Forward-auth over fastify.inject: what a reverse proxy sends the portal (X-Original-URL from a
 * trusted peer, the browser's cookies for the application's host), and the administrator's set-up of
 * groups and applications through the real admin API.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { ApplicationBody, ApplicationView } from '../../src/shared/api/applications.ts';
import type { GroupView } from '../../src/shared/api/groups.ts';
import type { TestClient } from './http-client.ts';

/** The proxy: a trusted loopback peer, passing on the client's address in X-Forwarded-For. */
export async function askProxy(
  app: FastifyInstance,
  url: string,
  options: {
    cookie?: string | undefined;
    method?: string;
    clientIp?: string;
    endpoint?: 'auth-request' | 'forward-auth' | 'denied';
    peer?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const response = await app.inject({
    method: 'GET',
    url: `/api/authz/${options.endpoint ?? 'auth-request'}`,
    remoteAddress: options.peer ?? '127.0.0.1',
    headers: {
      'x-original-url': url,
      'x-original-method': options.method ?? 'GET',
      'x-forwarded-for': options.clientIp ?? '10.1.2.3',
      ...(options.cookie && { cookie: options.cookie }),
      ...options.headers,
    },
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: response.body,
    json: <T = Record<string, unknown>>() => response.json() as T,
  };
}

export async function createGroup(admin: TestClient, name: string, mfaPolicy = 'inherit'): Promise<GroupView> {
  const response = await admin.post('/api/admin/groups', { name, mfaPolicy });
  expect(response.status, response.body).toBe(201);
  return response.json<GroupView>();
}

export async function addMembers(admin: TestClient, groupId: number, userIds: number[]): Promise<void> {
  const response = await admin.post(`/api/admin/groups/${groupId}/members`, { userIds });
  expect(response.status, response.body).toBe(200);
}

export async function createApplication(admin: TestClient, body: ApplicationBody): Promise<ApplicationView> {
  const response = await admin.post('/api/admin/applications', body);
  expect(response.status, response.body).toBe(201);
  return response.json<ApplicationView>();
}

/** The forward-auth cookie the portal set in this browser, as the browser sends it to the application. */
export function proxyCookieOf(client: TestClient, name = 'portcullis_proxy'): string | undefined {
  const value = client.jar.get(name);
  return value ? `${name}=${value}` : undefined;
}
