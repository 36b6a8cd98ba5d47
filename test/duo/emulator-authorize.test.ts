/** Our authorize URL as the emulator's GET /oauth/v1/authorize sees it, over real HTTPS (cases 11, 12). */
import { get as httpsGet } from 'node:https';
import { describe, expect, it } from 'vitest';
import { createNonce, createState } from '../../src/server/duo/index.ts';
import { emulatorHarness, REDIRECT_URI, SECRET } from './support/emulator.ts';

const h = emulatorHarness();

function getOverHttps(url: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpsGet(url, { ca: h.emulator.caPem, agent: false }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.on('error', reject);
  });
}

describe('authorization request at the emulator', () => {
  it('case 11 (emulator): Duo accepts our authorize URL over HTTPS and redirects back with duo_code and the state', async () => {
    const duo = h.client();
    h.emulator.setUser('dave', { status: 'active', enrolled: true, autoPush: 'approve' });
    const state = createState();
    const url = duo.createAuthUrl('dave', state, createNonce());
    const answer = await getOverHttps(url);
    expect(answer.status).toBe(302);
    const callback = new URL(answer.location ?? '', url);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('duo_code')).toBeTruthy();
  });

  it('case 12 (emulator): a request JWT signed with another secret is refused by Duo, never redirected', async () => {
    const impostor = h.client({}, { clientSecret: SECRET.replace('PLANTED', 'IMPOSTR') });
    h.emulator.setUser('dave', { status: 'active', enrolled: true, autoPush: 'approve' });
    const answer = await getOverHttps(impostor.createAuthUrl('dave', createState(), createNonce()));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.location).toBeUndefined();
  });

  it('with useDuoCodeAttribute false Duo answers with code= instead of duo_code=', async () => {
    const duo = h.client({}, { useDuoCodeAttribute: false });
    h.emulator.setUser('dave', { status: 'active', enrolled: true, autoPush: 'approve' });
    const outcome = await h.emulator.completeAuthorization(duo.createAuthUrl('dave', createState(), createNonce()));
    expect(outcome.kind).toBe('redirect');
    const callback = new URL(outcome.kind === 'redirect' ? outcome.url : 'x:');
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.has('duo_code')).toBe(false);
  });
});
