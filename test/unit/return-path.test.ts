import { describe, expect, it } from 'vitest';
import { safeApplicationUrl, safeReturnPath } from '../../src/server/login/return-path.ts';

const OPEN_REDIRECT_PAYLOADS = [
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
];

describe('return paths after sign-in (open-redirect defence, checklist 45–48)', () => {
  it.each(['/', '/account', '/settings/users?q=ann', '/settings/audit#top'])('keeps same-origin path %s', (path) => {
    expect(safeReturnPath(path)).toBe(path);
  });

  it.each(OPEN_REDIRECT_PAYLOADS)('refuses %s', (target) => {
    expect(safeReturnPath(target)).toBe('/');
  });

  it('refuses non-strings', () => {
    expect(safeReturnPath(['/a'])).toBe('/');
    expect(safeReturnPath(undefined)).toBe('/');
  });
});

describe('rd= after forward-auth sign-in: only registered applications (the same payloads refused)', () => {
  const registered = (url: URL) => url.hostname === 'grafana.example.com' || url.hostname.endsWith('.lab.example.com');

  it.each([
    'https://grafana.example.com/',
    'https://grafana.example.com/d/abc?orgId=1',
    'http://grafana.example.com:8080/x',
    'https://proxmox.lab.example.com/',
  ])('allows the registered application URL %s', (target) => {
    expect(safeApplicationUrl(target, registered)?.href).toBe(new URL(target).href);
  });

  it.each([
    ...OPEN_REDIRECT_PAYLOADS,
    // Registered-looking, but not: credentials, suffix tricks, other schemes, encoded hosts.
    'https://grafana.example.com@evil.example/',
    'https://grafana.example.com.evil.example/',
    'https://evilgrafana.example.com/',
    'https://lab.example.com/',
    'https://evil.example/?https://grafana.example.com/',
    'https://evil.example#grafana.example.com',
    'ftp://grafana.example.com/',
    'javascript://grafana.example.com/%0aalert(1)',
    'https:\\grafana.example.com',
    'https:/grafana.example.com',
    ' https://grafana.example.com/',
    'https://grafana.example.com%2f@evil.example/',
    '/relative/path',
  ])('refuses %s', (target) => {
    expect(safeApplicationUrl(target, registered)).toBeNull();
  });

  it('refuses non-strings and over-long values', () => {
    expect(safeApplicationUrl(['https://grafana.example.com/'], registered)).toBeNull();
    expect(safeApplicationUrl(`https://grafana.example.com/${'a'.repeat(2100)}`, registered)).toBeNull();
  });
});
