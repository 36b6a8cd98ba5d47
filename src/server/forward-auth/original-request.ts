import type { IncomingHttpHeaders } from 'node:http';
import { masked, type Network, networkContains, parseAddress } from '../../shared/api/access-patterns.ts';

/** The request the proxy asks about, as the proxy describes it. */
export interface OriginalRequest {
  method: string;
  protocol: 'http' | 'https';
  /** Lowercased, without the port. */
  host: string;
  port: number;
  /** Path and query as sent by the client (not decoded). */
  uri: string;
  /** The absolute URL, for `rd=` and the JWT audience. */
  href: string;
  /** scheme://host[:port] */
  origin: string;
}

/** The peers allowed to describe requests: PORTCULLIS_TRUSTED_PROXIES, as networks. */
export function trustedProxies(entries: readonly string[]): (remoteAddress: string | undefined) => boolean {
  const networks: Network[] = entries.flatMap((entry) => {
    const [text = '', bits] = entry.split('/');
    const address = parseAddress(text);
    if (!address) return [];
    const prefix = bits === undefined ? (address.family === 4 ? 32 : 128) : Number(bits);
    return [{ family: address.family, bytes: masked(address.bytes, prefix), prefix, text: entry }];
  });
  // A proxy keeps asking from the same few addresses: remember the verdict per address (bounded).
  const verdicts = new Map<string, boolean>();
  return (remoteAddress) => {
    if (!remoteAddress) return false;
    let trusted = verdicts.get(remoteAddress);
    if (trusted === undefined) {
      const address = parseAddress(remoteAddress);
      trusted = address !== null && networks.some((network) => networkContains(network, address));
      if (verdicts.size >= 1024) verdicts.clear();
      verdicts.set(remoteAddress, trusted);
    }
    return trusted;
  };
}

const single = (value: string | string[] | undefined): string | null =>
  typeof value === 'string' && value.length > 0 && value.length <= 4096 ? value : null;

const METHOD = /^[A-Z]{1,16}$/;
const HOST = /^[a-z0-9.-]{1,253}(?::\d{1,5})?$/;

function build(protocol: string, hostHeader: string, uri: string, method: string): OriginalRequest | null {
  if (protocol !== 'http' && protocol !== 'https') return null;
  const hostPort = hostHeader.toLowerCase();
  if (!HOST.test(hostPort) || !uri.startsWith('/') || !METHOD.test(method)) return null;
  const [host = '', portText] = hostPort.split(':');
  const port = portText === undefined ? (protocol === 'https' ? 443 : 80) : Number(portText);
  if (!(port >= 1 && port <= 65535)) return null;
  const defaultPort = (protocol === 'https' && port === 443) || (protocol === 'http' && port === 80);
  const origin = `${protocol}://${host}${defaultPort ? '' : `:${port}`}`;
  return { method, protocol, host, port, uri, href: `${origin}${uri}`, origin };
}

/**
 * What was asked, from the headers the documented proxy configurations send: nginx's
 * `X-Original-URL` (+ `X-Original-Method`), or Caddy's and Traefik's `X-Forwarded-Proto`,
 * `-Host`, `-Uri` and `-Method`. Only call this for a trusted peer: anyone else could claim any URL.
 * A header given twice, or a value that is not a plain URL, is refused (null), never guessed at.
 */
export function readOriginalRequest(headers: IncomingHttpHeaders): OriginalRequest | null {
  const method = (single(headers['x-original-method']) ?? single(headers['x-forwarded-method']) ?? 'GET').toUpperCase();
  const original = single(headers['x-original-url']);
  if (original) {
    let url: URL;
    try {
      url = new URL(original);
    } catch {
      return null;
    }
    if (url.username || url.password) return null;
    return build(url.protocol.replace(/:$/, ''), url.host, `${url.pathname}${url.search}`, method);
  }
  const protocol = single(headers['x-forwarded-proto']);
  const host = single(headers['x-forwarded-host']);
  const uri = single(headers['x-forwarded-uri']);
  if (!protocol || !host || !uri) return null;
  return build(protocol.toLowerCase(), host, uri, method);
}
