/**
 * Only same-origin relative paths may be used as a post-sign-in destination (ASVS 3.7.2, RFC 9700
 * §4.11.1). Anything else — absolute URLs, protocol-relative `//host`, backslash tricks, encoded
 * slashes, control characters, `javascript:` — falls back to the home page.
 */
export function safeReturnPath(input: unknown, fallback = '/'): string {
  if (typeof input !== 'string' || input.length === 0 || input.length > 512) return fallback;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(input)) return fallback;
  if (!input.startsWith('/') || input.startsWith('//')) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(input);
  } catch {
    return fallback;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: as above, after percent-decoding
  if (decoded.startsWith('//') || /[\u0000-\u001f\u007f\\]/.test(decoded)) return fallback;
  const parsed = new URL(input, 'https://portcullis.invalid');
  if (parsed.origin !== 'https://portcullis.invalid') return fallback;
  // The URL parser resolves dot segments: "/.//evil.example" or "/a/..//evil.example" come out as the
  // pathname "//evil.example", which a browser follows as a protocol-relative URL to another host.
  // So the result is checked too, not only the input.
  if (parsed.pathname.startsWith('//')) return fallback;
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}

/**
 * `rd=`, the address forward-auth sends the browser back to after sign-in: an absolute http(s) URL of
 * a registered application (the caller says which are), or nothing. The same refusals as above come
 * first — control characters, backslashes, credentials — and then the application check, so the
 * portal never becomes an open redirect to a host nobody registered (ASVS 3.7.2, RFC 9700 §4.11.1).
 */
export function safeApplicationUrl(input: unknown, isRegistered: (url: URL) => boolean): URL | null {
  if (typeof input !== 'string' || input.length === 0 || input.length > 2048) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u0020\u007f\\]/.test(input)) return null;
  if (!/^https?:\/\/[^/]/i.test(input)) return null;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || !url.hostname)
    return null;
  return isRegistered(url) ? url : null;
}
