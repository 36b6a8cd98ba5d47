/**
 * The patterns an application's URLs and rules are written in: host patterns, path prefixes and
 * networks (CIDR). Pure and shared, so the console says exactly what the server says about a bad
 * value, and the server matches requests with the same parsers.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export interface HostPattern {
  kind: 'exact' | 'wildcard';
  /** exact: the host; wildcard: the suffix after "*" (".lab.example.com"). */
  host: string;
  /** A port the pattern is limited to, or null for any port. */
  port: number | null;
  /** The canonical text ("*.lab.example.com", "router.lan:8443"). */
  text: string;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4_OCTET = /^(?:0|[1-9]\d{0,2})$/;

function dnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => LABEL.test(label));
}

export function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => IPV4_OCTET.test(part) && Number(part) <= 255);
}

/**
 * `grafana.example.com`, `*.lab.example.com` (any subdomain of lab.example.com, not lab.example.com
 * itself), an IPv4 address, each with an optional `:port`. Lowercased; a trailing dot is dropped.
 */
export function parseHostPattern(input: string): Parsed<HostPattern> {
  const text = input.trim().toLowerCase().replace(/\.$/, '');
  if (text === '') return { ok: false, message: 'Enter a host, such as grafana.example.com or *.lab.example.com.' };
  if (text.includes('://'))
    return { ok: false, message: 'Enter the host only, without https:// (a path goes under Path prefix).' };
  if (text.includes('/'))
    return { ok: false, message: 'Enter the host only; put a path such as /admin under Path prefix.' };
  if (text.startsWith('['))
    return { ok: false, message: 'Use a DNS name or an IPv4 address; IPv6 literals are not supported.' };
  const match = /^(.*?)(?::(\d{1,5}))?$/.exec(text);
  const host = match?.[1] ?? '';
  const port = match?.[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65535))
    return { ok: false, message: `Port ${port} is not a valid port (1–65535).` };
  const canonical = port === null ? host : `${host}:${port}`;
  if (host.startsWith('*.')) {
    const suffix = host.slice(2);
    if (suffix.includes('*'))
      return { ok: false, message: 'Only the first label may be a wildcard, as in *.lab.example.com.' };
    if (!dnsName(suffix))
      return {
        ok: false,
        message: `"${host}" is not a valid host pattern: use letters, digits and hyphens between dots.`,
      };
    if (!suffix.includes('.'))
      return {
        ok: false,
        message: `"${host}" would match every host under .${suffix}: a wildcard needs at least two labels after it, as in *.lab.example.com.`,
      };
    return { ok: true, value: { kind: 'wildcard', host: `.${suffix}`, port, text: canonical } };
  }
  if (host.includes('*'))
    return { ok: false, message: 'A wildcard must be the whole first label, as in *.lab.example.com.' };
  if (!isIpv4(host) && (!dnsName(host) || /^[\d.]+$/.test(host)))
    return { ok: false, message: `"${host}" is not a valid host: use letters, digits and hyphens between dots.` };
  return { ok: true, value: { kind: 'exact', host, port, text: canonical } };
}

export function hostMatches(pattern: HostPattern, host: string, port: number): boolean {
  if (pattern.port !== null && pattern.port !== port) return false;
  return pattern.kind === 'exact'
    ? host === pattern.host
    : host.length > pattern.host.length && host.endsWith(pattern.host);
}

/** True when every host the narrower pattern matches, the broader one matches too. */
export function hostCovers(broader: HostPattern, narrower: HostPattern): boolean {
  if (broader.port !== null && broader.port !== narrower.port) return false;
  if (broader.kind === 'exact') return narrower.kind === 'exact' && narrower.host === broader.host;
  const inner = narrower.kind === 'exact' ? narrower.host : narrower.host.slice(1);
  return inner.length > broader.host.length - 1 && `.${inner}`.endsWith(broader.host);
}

/** `/admin` covers `/admin`, `/admin/` and `/admin/users`, never `/administrator`. Stored without a trailing slash. */
export function parsePathPrefix(input: string): Parsed<string> {
  const text = input.trim();
  if (text === '' || text === '/') return { ok: true, value: '/' };
  if (!text.startsWith('/')) return { ok: false, message: `"${text}" must start with /, as in /admin.` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\s?#\\\u0000-\u001f\u007f%]/.test(text))
    return {
      ok: false,
      message: `"${text}" may not contain spaces, ?, #, % or backslashes: enter a plain path such as /admin.`,
    };
  if (text.length > 200) return { ok: false, message: 'A path prefix must be at most 200 characters.' };
  const trimmed = text.replace(/\/+$/, '');
  if (trimmed.split('/').some((segment, index) => index > 0 && (segment === '' || segment === '.' || segment === '..')))
    return { ok: false, message: `"${text}" has an empty, "." or ".." segment: enter a plain path such as /admin.` };
  return { ok: true, value: trimmed };
}

export function pathMatches(prefix: string, path: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

export interface Network {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
  /** Canonical text: "10.0.0.0/8". */
  text: string;
}

function ipv4Bytes(text: string): Uint8Array | null {
  if (!isIpv4(text)) return null;
  return Uint8Array.from(text.split('.').map(Number));
}

function ipv6Bytes(text: string): Uint8Array | null {
  if (!/^[0-9a-f:.]+$/i.test(text)) return null;
  let head = text;
  let tail: number[] = [];
  if (text.includes('.')) {
    // An embedded IPv4 tail, as in ::ffff:10.1.2.3.
    const at = text.lastIndexOf(':');
    const v4 = ipv4Bytes(text.slice(at + 1));
    if (!v4) return null;
    tail = [(v4[0] ?? 0) * 256 + (v4[1] ?? 0), (v4[2] ?? 0) * 256 + (v4[3] ?? 0)];
    head = text.slice(0, at + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const wanted = 8 - tail.length;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  let groups: string[];
  if (halves.length === 2) {
    const left = groupsOf(halves[0] ?? '');
    const right = groupsOf(halves[1] ?? '');
    if (left.length + right.length > wanted - 1) return null;
    groups = [...left, ...Array<string>(wanted - left.length - right.length).fill('0'), ...right];
  } else {
    groups = groupsOf(head);
    if (groups.length !== wanted) return null;
  }
  const values = [
    ...groups.map((group) => (/^[0-9a-f]{1,4}$/i.test(group) ? Number.parseInt(group, 16) : -1)),
    ...tail,
  ];
  if (values.some((value) => value < 0)) return null;
  const bytes = new Uint8Array(16);
  values.forEach((value, index) => {
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/** An address as bytes; IPv4-mapped IPv6 (::ffff:10.1.2.3) counts as the IPv4 address. */
export function parseAddress(text: string): { family: 4 | 6; bytes: Uint8Array } | null {
  const v4 = ipv4Bytes(text);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = ipv6Bytes(text);
  if (!v6) return null;
  if (v6.slice(0, 10).every((byte) => byte === 0) && v6[10] === 0xff && v6[11] === 0xff)
    return { family: 4, bytes: v6.slice(12) };
  return { family: 6, bytes: v6 };
}

function formatAddress(family: 4 | 6, bytes: Uint8Array): string {
  if (family === 4) return [...bytes].join('.');
  const groups = Array.from({ length: 8 }, (_, i) =>
    (((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0)).toString(16),
  );
  // The longest run of zero groups (two or more) becomes "::" (RFC 5952).
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j += 1;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

export function masked(bytes: Uint8Array, prefix: number): Uint8Array {
  return bytes.map((byte, index) => {
    const bits = Math.max(0, Math.min(8, prefix - index * 8));
    return byte & ((0xff << (8 - bits)) & 0xff);
  });
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a single address (`10.1.2.3` = /32). Host bits must be zero. */
export function parseNetwork(input: string): Parsed<Network> {
  const text = input.trim().toLowerCase();
  const example = 'use an address and a prefix length, such as 10.0.0.0/8 or 2001:db8::/32';
  if (text === '') return { ok: false, message: `Enter a network: ${example}.` };
  const [address = '', bits, extra] = text.split('/');
  const parsed = parseAddress(address);
  if (!parsed || extra !== undefined) return { ok: false, message: `"${text}" is not a network: ${example}.` };
  const max = parsed.family === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
  if (!(prefix >= 0 && prefix <= max))
    return { ok: false, message: `"${text}" has an invalid prefix length: IPv${parsed.family} allows 0 to ${max}.` };
  const base = masked(parsed.bytes, prefix);
  const canonical = `${formatAddress(parsed.family, base)}/${prefix}`;
  if (!base.every((byte, index) => byte === parsed.bytes[index]))
    return { ok: false, message: `"${text}" has host bits set: did you mean ${canonical}?` };
  return { ok: true, value: { family: parsed.family, bytes: base, prefix, text: canonical } };
}

export function networkContains(network: Network, address: { family: 4 | 6; bytes: Uint8Array }): boolean {
  if (network.family !== address.family) return false;
  const candidate = masked(address.bytes, network.prefix);
  return candidate.every((byte, index) => byte === network.bytes[index]);
}

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
