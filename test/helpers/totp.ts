/**
 * Authenticator apps in tests: codes come from Debian's `oathtool` (an implementation nobody here
 * wrote, installed by .ci/run), at the portal's own clock, so a test can move time and replay codes.
 */
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import type { ChallengeView } from '../../src/shared/api/session.ts';
import { STRONG_PASSWORD } from './fixtures.ts';
import type { TestClient } from './http-client.ts';
import type { TestPortal } from './portal.ts';

export interface TotpOptions {
  digits?: number;
  period?: number;
  algorithm?: 'SHA1' | 'SHA256' | 'SHA512';
}

export function oathtoolCode(secret: string, atMs: number, options: TotpOptions = {}): string {
  const algorithm = (options.algorithm ?? 'SHA1').toLowerCase();
  return execFileSync(
    'oathtool',
    [
      `--totp=${algorithm}`,
      '--base32',
      `--digits=${options.digits ?? 6}`,
      `--time-step-size=${options.period ?? 30}s`,
      `--now=@${Math.floor(atMs / 1000)}`,
      secret,
    ],
    { encoding: 'utf8' },
  ).trim();
}

/** An administrator registers an authenticator-app provider; returns its id. */
export async function registerTotp(
  admin: TestClient,
  values: Record<string, string> = {},
  name = 'Authenticator app',
): Promise<number> {
  const response = await admin.post('/api/admin/mfa/providers', {
    type: 'totp',
    name,
    enabled: true,
    values: { issuer: 'Portcullis Test', ...values },
  });
  expect(response.status, response.body).toBe(201);
  return response.json<{ provider: { id: number } }>().provider.id;
}

/** The challenge id in a verify-page address. */
export function challengeIdOf(redirectTo: string): string {
  const id = new URL(redirectTo, 'http://portal.test').searchParams.get('challenge');
  if (!id) throw new Error(`not a verify page: ${redirectTo}`);
  return id;
}

export async function describeChallenge(client: TestClient, id: string): Promise<ChallengeView> {
  const response = await client.get(`/api/auth/challenges/${id}`);
  expect(response.status, response.body).toBe(200);
  return response.json<ChallengeView>();
}

/**
 * "Configure MFA" with an authenticator app, as the user does it: start, read the key shown, confirm
 * with a first code from oathtool. Returns the key (base32) and the factor's label.
 */
export async function enrolTotp(
  portal: TestPortal,
  client: TestClient,
  providerId: number,
  options: { label?: string; add?: boolean } = {},
): Promise<{ secret: string }> {
  const started = await client.post('/api/me/mfa/configure', {
    providerId,
    ...(options.add !== false && { add: true }),
    ...(options.label && { label: options.label }),
  });
  expect(started.status, started.body).toBe(200);
  const id = challengeIdOf(started.json<{ redirectTo: string }>().redirectTo);
  const view = await describeChallenge(client, id);
  expect(view.kind).toBe('enrol_code');
  const secret = view.enrolment?.secretGroups.join('') ?? '';
  const confirmed = await client.post(`/api/auth/challenges/${id}/code`, {
    code: oathtoolCode(secret, portal.clock()),
    ...(options.label && { label: options.label }),
  });
  expect(confirmed.status, confirmed.body).toBe(200);
  expect(confirmed.json()).toMatchObject({ status: 'signed_in', redirectTo: '/account?mfa=configured' });
  await client.session();
  return { secret };
}

/** The password step of a user whose next step is a code: returns the challenge id. */
export async function passwordThenChallenge(client: TestClient, username: string): Promise<string> {
  await client.session();
  const login = await client.post('/api/auth/login', { username, password: STRONG_PASSWORD });
  expect(login.status, login.body).toBe(200);
  const body = login.json<{ status: string; redirectTo: string }>();
  expect(body.status).toBe('mfa_required');
  return challengeIdOf(body.redirectTo);
}
