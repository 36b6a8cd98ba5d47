import { describe, expect, it } from 'vitest';
import { IDENTITY_HEADER_NAMES, identityHeaders } from '../../src/server/forward-auth/identity-headers.ts';

const identity = {
  username: 'zoe',
  groups: ['admins', 'ops'],
  email: 'zoe@example.com',
  displayName: 'Zoë Ångström',
  authLevel: 'mfa',
  amr: ['pwd', 'mfa', 'otp'],
  jwt: 'eyJ…',
};
const all = { user: true, groups: true, email: true, name: true, authLevel: true, jwt: true };

describe('identity headers', () => {
  it('are all present, empty for what the application does not get (Caddy would pass its placeholder text on)', () => {
    const headers = identityHeaders(identity, { ...all, email: false, jwt: false });
    expect(Object.keys(headers)).toEqual([...IDENTITY_HEADER_NAMES]);
    expect(headers['Remote-Email']).toBe('');
    expect(headers['Remote-Jwt']).toBe('');
    expect(headers['Remote-Groups']).toBe('admins,ops');
    expect(headers['Remote-Amr']).toBe('pwd,mfa,otp');
  });

  it('carry non-ASCII names as their UTF-8 bytes, and never a control character', () => {
    const headers = identityHeaders({ ...identity, displayName: 'Zoë\r\nX-Injected: 1' }, all);
    expect(Buffer.from(headers['Remote-Name'], 'latin1').toString('utf8')).toBe('Zoë  X-Injected: 1');
    expect(headers['Remote-Name']).not.toMatch(/[\r\n]/);
    expect(identityHeaders(identity, all)['Remote-User']).toBe('zoe');
  });
});
