import { describe, expect, it } from 'vitest';
import { safeReturnPath } from '../../src/server/login/return-path.ts';

describe('return paths after sign-in (open-redirect defence, checklist 45–48)', () => {
  it.each(['/', '/account', '/settings/users?q=ann', '/settings/audit#top'])('keeps same-origin path %s', (path) => {
    expect(safeReturnPath(path)).toBe(path);
  });

  it.each([
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'https:evil.example',
    '%2F%2Fevil.example',
    '/%2F%2Fevil.example',
    '/%09/evil.example',
    '/%5Cevil.example',
    'javascript:alert(1)',
    'data:text/html,hi',
    'vbscript:msgbox',
    '/ok\r\nSet-Cookie: x=y',
    'https://portal.example@evil.example',
    'evil.example',
    // Regression: dot segments resolved by the URL parser used to yield the protocol-relative "//evil.example".
    '/.//evil.example',
    '/..//evil.example',
    '/account/..//evil.example',
    '/%2E//evil.example',
    '',
    `/${'a'.repeat(600)}`,
  ])('refuses %s', (target) => {
    expect(safeReturnPath(target)).toBe('/');
  });

  it('refuses non-strings', () => {
    expect(safeReturnPath(['/a'])).toBe('/');
    expect(safeReturnPath(undefined)).toBe('/');
  });
});
