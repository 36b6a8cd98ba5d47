/**
 * The token exchange and the id_token (anchors 57–62, 64, 65; duo-protocol.md cases 25–38): the
 * emulator answers the token call wrongly in every documented way, and every time the user is denied
 * — no session, the failure audited with its reason — and never let in by the provider's fail-open
 * mode, which this provider has switched on: errors after the redirect to Duo are never an outage.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DuoFault, IdTokenMutation } from '../../emulator/duo/index.ts';
import {
  callbackFor,
  countAudit,
  type DuoSignIn,
  expectSignedOut,
  lastAudit,
  mfaUsers,
  sessionsOf,
  startDuoSignIn,
  tokenCalls,
} from '../helpers/duo-sign-in.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

const idToken = (...mutate: IdTokenMutation[]): DuoFault[] => [{ endpoint: 'token', kind: 'id_token', mutate }];

interface Refusal {
  anchor: number;
  label: string;
  faults: (env: { endpoint: string; clientId: string; otherUser: string }) => DuoFault[];
  error: 'MFA_FAILED' | 'MFA_DENIED' | 'MFA_UNAVAILABLE';
  reason: string;
}

const REFUSALS: Refusal[] = [
  // Anchors 57: the token endpoint fails; even a 5xx here is not an outage that fail-open may forgive.
  {
    anchor: 57,
    label: 'HTTP 400 invalid_grant',
    faults: () => [{ endpoint: 'token', kind: 'invalid_grant' }],
    error: 'MFA_FAILED',
    reason: 'invalid_grant:invalid_grant',
  },
  {
    anchor: 57,
    label: 'HTTP 401 invalid_client',
    faults: () => [{ endpoint: 'token', kind: 'invalid_client_401' }],
    error: 'MFA_FAILED',
    reason: 'invalid_credentials:invalid_client',
  },
  {
    anchor: 57,
    label: 'HTTP 500 with an HTML page',
    faults: () => [{ endpoint: 'token', kind: 'http_500_html' }],
    error: 'MFA_UNAVAILABLE',
    reason: 'server_error',
  },
  {
    anchor: 57,
    label: 'HTTP 503 with an empty body',
    faults: () => [{ endpoint: 'token', kind: 'http_503_empty' }],
    error: 'MFA_UNAVAILABLE',
    reason: 'server_error',
  },
  {
    anchor: 57,
    label: 'HTTP 429',
    faults: () => [{ endpoint: 'token', kind: 'http_429' }],
    error: 'MFA_UNAVAILABLE',
    reason: 'rate_limited',
  },
  {
    anchor: 57,
    label: 'malformed JSON',
    faults: () => [{ endpoint: 'token', kind: 'malformed_json' }],
    error: 'MFA_FAILED',
    reason: 'malformed_response:json',
  },
  {
    anchor: 57,
    label: 'the connection reset',
    faults: () => [{ endpoint: 'token', kind: 'connection_reset' }],
    error: 'MFA_UNAVAILABLE',
    reason: 'unreachable',
  },
  {
    anchor: 57,
    label: 'no answer within the timeout',
    faults: () => [{ endpoint: 'token', kind: 'slow', delayMs: 2500 }],
    error: 'MFA_UNAVAILABLE',
    reason: 'timeout',
  },
  // Anchors 58: the token response itself.
  {
    anchor: 58,
    label: 'no id_token in the token response',
    faults: () => [{ endpoint: 'token', kind: 'missing_field', field: 'id_token' }],
    error: 'MFA_FAILED',
    reason: 'malformed_response:id_token',
  },
  {
    anchor: 58,
    label: 'token_type "bearer" (lowercase)',
    faults: () => [{ endpoint: 'token', kind: 'token_type_lowercase' }],
    error: 'MFA_FAILED',
    reason: 'malformed_response:token_type',
  },
  {
    anchor: 58,
    label: 'no access_token',
    faults: () => [{ endpoint: 'token', kind: 'missing_field', field: 'access_token' }],
    error: 'MFA_FAILED',
    reason: 'malformed_response:access_token',
  },
  {
    anchor: 58,
    label: 'no expires_in',
    faults: () => [{ endpoint: 'token', kind: 'missing_field', field: 'expires_in' }],
    error: 'MFA_FAILED',
    reason: 'malformed_response:expires_in',
  },
  // Anchors 59: signature and algorithm.
  {
    anchor: 59,
    label: 'signed with another key (bad MAC)',
    faults: () => idToken({ type: 'wrong_key' }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:signature',
  },
  {
    anchor: 59,
    label: 'alg HS256',
    faults: () => idToken({ type: 'alg', alg: 'HS256' }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:alg',
  },
  {
    anchor: 59,
    label: 'alg none',
    faults: () => idToken({ type: 'alg', alg: 'none' }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:alg',
  },
  {
    anchor: 59,
    label: "RS256 with an attacker's key",
    faults: () => idToken({ type: 'alg', alg: 'RS256' }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:alg',
  },
  // Anchors 60: issuer.
  {
    anchor: 60,
    label: 'iss of another host',
    faults: () => idToken({ type: 'set', claim: 'iss', value: 'https://api-evil.duosecurity.com/oauth/v1/token' }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:iss',
  },
  {
    anchor: 60,
    label: 'iss with a trailing slash',
    faults: ({ endpoint }) => idToken({ type: 'set', claim: 'iss', value: `https://${endpoint}/oauth/v1/token/` }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:iss',
  },
  {
    anchor: 60,
    label: 'iss with a doubled slash',
    faults: ({ endpoint }) => idToken({ type: 'set', claim: 'iss', value: `https://${endpoint}//oauth/v1/token` }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:iss',
  },
  {
    anchor: 60,
    label: 'no iss',
    faults: () => idToken({ type: 'remove', claim: 'iss' }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:iss',
  },
  // Anchors 61: audience.
  {
    anchor: 61,
    label: 'aud of another application',
    faults: () => idToken({ type: 'set', claim: 'aud', value: 'DIOTHERAPPLICATION01' }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:aud',
  },
  {
    anchor: 61,
    label: 'aud as an array [clientId]',
    faults: ({ clientId }) => idToken({ type: 'set', claim: 'aud', value: [clientId] }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:aud',
  },
  {
    anchor: 61,
    label: 'aud as an array with another audience',
    faults: ({ clientId }) => idToken({ type: 'set', claim: 'aud', value: [clientId, 'DIOTHERAPPLICATION01'] }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:aud',
  },
  {
    anchor: 61,
    label: 'no aud',
    faults: () => idToken({ type: 'remove', claim: 'aud' }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:aud',
  },
  // Anchors 62: times.
  {
    anchor: 62,
    label: 'no exp',
    faults: () => idToken({ type: 'remove', claim: 'exp' }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:exp',
  },
  {
    anchor: 62,
    label: 'no iat',
    faults: () => idToken({ type: 'remove', claim: 'iat' }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:iat',
  },
  {
    anchor: 62,
    label: 'exp 90 s in the past (beyond the 60 s leeway)',
    faults: () => idToken({ type: 'shift', claim: 'exp', seconds: -90 }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:exp',
  },
  {
    anchor: 62,
    label: 'nbf 90 s in the future',
    faults: () => idToken({ type: 'shift', claim: 'nbf', seconds: 90 }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:nbf',
  },
  {
    anchor: 62,
    label: 'iat 10 minutes in the future',
    faults: () => idToken({ type: 'shift', claim: 'iat', seconds: 600 }),
    error: 'MFA_FAILED',
    reason: 'invalid_token:iat',
  },
  // Anchors 63 (nonce) — the "earlier sign-in's nonce" variant is in mfa-callback.replay.test.ts.
  {
    anchor: 63,
    label: 'a wrong nonce',
    faults: () => idToken({ type: 'set', claim: 'nonce', value: 'n'.repeat(43) }),
    error: 'MFA_FAILED',
    reason: 'nonce_mismatch:nonce',
  },
  {
    anchor: 63,
    label: 'no nonce',
    faults: () => idToken({ type: 'remove', claim: 'nonce' }),
    error: 'MFA_FAILED',
    reason: 'nonce_mismatch:nonce',
  },
  // Anchors 64: the user Duo authenticated is not the one who passed the password step.
  {
    anchor: 64,
    label: 'preferred_username of another user',
    faults: ({ otherUser }) => idToken({ type: 'set', claim: 'preferred_username', value: otherUser }),
    error: 'MFA_FAILED',
    reason: 'username_mismatch:preferred_username',
  },
  {
    anchor: 64,
    label: 'preferred_username in another case',
    faults: ({ otherUser }) => idToken({ type: 'set', claim: 'preferred_username', value: otherUser.toUpperCase() }),
    error: 'MFA_FAILED',
    reason: 'username_mismatch:preferred_username',
  },
  {
    anchor: 64,
    label: 'no preferred_username',
    faults: () => idToken({ type: 'remove', claim: 'preferred_username' }),
    error: 'MFA_FAILED',
    reason: 'username_mismatch:preferred_username',
  },
  // Anchors 65: a valid token that says no.
  {
    anchor: 65,
    label: 'auth_result deny',
    faults: () => idToken({ type: 'auth_result', status: 'deny' }),
    error: 'MFA_DENIED',
    reason: 'denied',
  },
  {
    anchor: 65,
    label: 'auth_result fraud',
    faults: () => idToken({ type: 'auth_result', status: 'fraud' }),
    error: 'MFA_DENIED',
    reason: 'denied',
  },
  {
    anchor: 65,
    label: 'no auth_result',
    faults: () => idToken({ type: 'remove', claim: 'auth_result' }),
    error: 'MFA_DENIED',
    reason: 'denied',
  },
];

describe.each(ENGINES)('the token exchange and the id_token on %s', (engine) => {
  let duo: DuoSignIn;
  const newUser = mfaUsers('token', () => duo);

  beforeAll(async () => {
    // Fail-open is on for this provider: none of these failures may let anyone in with a password alone.
    duo = await startDuoSignIn(engine, { values: { failMode: 'open' } });
  });
  afterAll(() => duo.close());
  beforeEach(() => {
    duo.env.emulator.setFaults([]);
  });

  it.each(REFUSALS)('anchors $anchor: $label → denied, no session, never fail-open', async (refusal) => {
    const user = await newUser();
    const other = await newUser();
    const browser = createClient(duo.portal.fastify);
    const callback = await callbackFor(duo.env, browser, user.username);
    duo.env.emulator.setFaults(
      refusal.faults({ endpoint: duo.env.app.endpoint, clientId: duo.env.app.clientId, otherUser: other.username }),
    );
    const tokensBefore = tokenCalls(duo.env);
    const answer = await browser.get(callback);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe(`/signin?error=${refusal.error}`);
    expect(tokenCalls(duo.env)).toBeGreaterThan(tokensBefore);
    const failure = await lastAudit(duo.portal, 'login.mfa_failed');
    expect(failure).toMatchObject({ reason: refusal.reason, target_label: user.username, outcome: 'failure' });
    // Case 37: what went wrong is kept for the operator, in words (never a secret: see mfa-leakage).
    expect(failure?.details.message).toEqual(expect.stringMatching(/\S{3,} \S{3,}/));
    await expectSignedOut(browser);
    expect(await sessionsOf(duo.portal, user.id)).toHaveLength(0);
    expect(await sessionsOf(duo.portal, other.id)).toHaveLength(0);
    expect(await countAudit(duo.portal, 'login.mfa_bypassed')).toBe(0);
  });

  it('the controls: an unchanged token, an exp 30 s past (within leeway) and an alias sub are accepted', async () => {
    for (const faults of [
      [],
      idToken({ type: 'shift', claim: 'exp', seconds: -30 }),
      idToken({ type: 'shift', claim: 'nbf', seconds: 30 }),
      idToken({ type: 'set', claim: 'sub', value: 'canonical.name' }),
    ]) {
      const user = await newUser();
      const browser = createClient(duo.portal.fastify);
      const callback = await callbackFor(duo.env, browser, user.username);
      duo.env.emulator.setFaults(faults);
      const answer = await browser.get(callback);
      expect(answer.headers.location, JSON.stringify(faults)).toBe('/');
      expect((await browser.session()).session).toMatchObject({ authLevel: 'mfa' });
    }
  });
});
