/** id_token checks against the emulator's fault knobs over real HTTPS (cases 25–35, 38). */
import { describe, expect, it } from 'vitest';
import type { IdTokenMutation } from '../../emulator/duo/types.ts';
import { createNonce, type DuoErrorKind, isOutage } from '../../src/server/duo/index.ts';
import { approvedLogin, CLIENT_ID, emulatorHarness } from './support/emulator.ts';
import { expectDuoError } from './support/errors.ts';

const h = emulatorHarness();

async function expectMutationRefused(mutate: IdTokenMutation[], kind: DuoErrorKind, cause: string) {
  const { login, result } = await h.exchangeWith([{ endpoint: 'token', kind: 'id_token', mutate }]);
  const error = await expectDuoError(result, kind, cause, h.planted(login));
  expect(isOutage(error)).toBe(false);
  return error;
}

async function expectMutationAccepted(mutate: IdTokenMutation[]) {
  const { result } = await h.exchangeWith([{ endpoint: 'token', kind: 'id_token', mutate }]);
  await expect(result).resolves.toMatchObject({ username: 'alice' });
}

describe('id_token', () => {
  it('case 25: rejects an id_token signed with the wrong secret', async () => {
    const error = await expectMutationRefused([{ type: 'wrong_key' }], 'invalid_token', 'signature');
    expect(error.hint).toMatch(/Client Secret/);
  });

  it('case 26: rejects an id_token signed HS256 (and alg none, and RS256 with an attacker key)', async () => {
    await expectMutationRefused([{ type: 'alg', alg: 'HS256' }], 'invalid_token', 'alg');
    await expectMutationRefused([{ type: 'alg', alg: 'none' }], 'invalid_token', 'alg');
    await expectMutationRefused([{ type: 'alg', alg: 'RS256' }], 'invalid_token', 'alg');
  });

  it('case 27: rejects a wrong iss (other host, or an extra slash)', async () => {
    for (const value of [
      'https://api-other.duosecurity.com/oauth/v1/token',
      `https://${h.emulator.apiHost}//oauth/v1/token`,
      `https://${h.emulator.apiHost}/oauth/v1/token/`,
      `http://${h.emulator.apiHost}/oauth/v1/token`,
    ]) {
      await expectMutationRefused([{ type: 'set', claim: 'iss', value }], 'invalid_token', 'iss');
    }
  });

  it('case 28: rejects a wrong aud; aud as [clientId] is rejected too (policy: exact string only)', async () => {
    await expectMutationRefused([{ type: 'set', claim: 'aud', value: 'DIOTHERCLIENT0000000' }], 'invalid_token', 'aud');
    await expectMutationRefused([{ type: 'set', claim: 'aud', value: [CLIENT_ID] }], 'invalid_token', 'aud');
    await expectMutationRefused(
      [{ type: 'set', claim: 'aud', value: [CLIENT_ID, 'DIOTHERCLIENT0000000'] }],
      'invalid_token',
      'aud',
    );
  });

  it('case 29: exp 30 s in the past is accepted (leeway); 90 s in the past is rejected', async () => {
    await expectMutationAccepted([{ type: 'shift', claim: 'exp', seconds: -30 }]);
    const error = await expectMutationRefused([{ type: 'shift', claim: 'exp', seconds: -90 }], 'invalid_token', 'exp');
    expect(error.hint).toMatch(/clock/);
  });

  it('case 30: nbf 90 s ahead is rejected (30 s ahead is within the leeway)', async () => {
    await expectMutationAccepted([{ type: 'shift', claim: 'nbf', seconds: 30 }]);
    await expectMutationRefused([{ type: 'shift', claim: 'nbf', seconds: 90 }], 'invalid_token', 'nbf');
  });

  it('case 31: missing exp, iat, iss or aud is rejected', async () => {
    for (const claim of ['exp', 'iat', 'iss', 'aud']) {
      await expectMutationRefused([{ type: 'remove', claim }], 'invalid_token', claim);
    }
    // A NumericDate must be a number, not a numeric string.
    await expectMutationRefused([{ type: 'set', claim: 'exp', value: String(Date.now()) }], 'invalid_token', 'exp');
  });

  it('case 32: iat 10 min in the future is rejected by our own check (the Node SDK accepts it)', async () => {
    await expectMutationAccepted([{ type: 'shift', claim: 'iat', seconds: 30 }]);
    const error = await expectMutationRefused([{ type: 'shift', claim: 'iat', seconds: 600 }], 'invalid_token', 'iat');
    expect(error.hint).toMatch(/clock/);
  });

  it('case 33: a missing or different preferred_username is rejected; a sub differing (alias) is accepted', async () => {
    await expectMutationRefused(
      [{ type: 'remove', claim: 'preferred_username' }],
      'username_mismatch',
      'preferred_username',
    );
    await expectMutationRefused(
      [{ type: 'set', claim: 'preferred_username', value: 'mallory' }],
      'username_mismatch',
      'preferred_username',
    );
    h.emulator.setUser('bob', { status: 'active', enrolled: true, autoPush: 'approve', canonicalName: 'robert.smith' });
    const { result } = await h.exchangeWith([], 'bob');
    await expect(result).resolves.toMatchObject({ username: 'bob', subject: 'robert.smith' });
  });

  it('case 34: case policy: exact, case-sensitive match of preferred_username with the name we sent', async () => {
    // The portal lowercases before sending ("alice"); a token naming "Alice" is refused...
    await expectMutationRefused(
      [{ type: 'set', claim: 'preferred_username', value: 'Alice' }],
      'username_mismatch',
      'preferred_username',
    );
    // ...and Duo answers a name sent with capitals with its lowercased copy, which the exact match refuses:
    // this is why the portal sends names lowercased (ADR 0004, duo_universal_csharp#47).
    h.emulator.setUser('Carol', { status: 'active', enrolled: true, autoPush: 'approve' });
    const { result } = await h.exchangeWith([], 'Carol');
    await expect(result).rejects.toMatchObject({ kind: 'username_mismatch' });
    const lower = await h.exchangeWith([], 'carol');
    await expect(lower.result).resolves.toMatchObject({ username: 'carol' });
  });

  it('case 35: auth_result other than "allow" is rejected as denied, though the signature is valid', async () => {
    await expectMutationRefused([{ type: 'auth_result', status: 'deny' }], 'denied', 'deny');
    await expectMutationRefused([{ type: 'auth_result', status: 'fraud' }], 'denied', 'fraud');
    await expectMutationRefused([{ type: 'remove', claim: 'auth_result' }], 'denied', 'missing');
    await expectMutationRefused([{ type: 'set', claim: 'auth_result', value: { status: 'Allow' } }], 'denied', 'Allow');
  });

  it('case 38: a different or absent nonce is rejected, including a valid token from an earlier login', async () => {
    await expectMutationRefused([{ type: 'set', claim: 'nonce', value: createNonce() }], 'nonce_mismatch', 'nonce');
    await expectMutationRefused([{ type: 'remove', claim: 'nonce' }], 'nonce_mismatch', 'nonce');
    const duo = h.client();
    const earlier = await approvedLogin(h.emulator, duo);
    const current = await approvedLogin(h.emulator, duo);
    // The earlier login's code presented in the current transaction (nonce of the current one).
    await expectDuoError(
      duo.exchangeCode(earlier.code, 'alice', current.nonce),
      'nonce_mismatch',
      'nonce',
      h.planted(earlier, current),
    );
  });

  it('refuses a code exchanged for another username than the one sent to Duo (user swap)', async () => {
    const duo = h.client();
    const login = await approvedLogin(h.emulator, duo);
    await expectDuoError(
      duo.exchangeCode(login.code, 'mallory', login.nonce),
      'username_mismatch',
      'preferred_username',
      h.planted(login),
    );
  });
});
