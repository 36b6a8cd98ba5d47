/**
 * A browser-like HTTPS client for the proxy suites: it sends every request to the proxy's loopback
 * port with the host of the URL (SNI and Host), keeps cookies by their Domain attribute the way a
 * browser does (host-only unless Domain is given), and never follows redirects on its own.
 */
import { request as httpsRequest } from 'node:https';

interface StoredCookie {
  name: string;
  value: string;
  /** The host the cookie was set by (host-only), or the Domain it covers. */
  domain: string;
  hostOnly: boolean;
}

export interface ProxyResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = Record<string, unknown>>(): T;
  location: string | undefined;
}

export function createProxyBrowser(options: { port: number; caPem: string }) {
  const jar: StoredCookie[] = [];

  function store(host: string, header: string) {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    const domainAttribute = attributes.find((attribute) => /^domain=/i.test(attribute));
    const domain = domainAttribute ? domainAttribute.slice(7).replace(/^\./, '').toLowerCase() : host;
    const expired = attributes.some(
      (attribute) => /^max-age=0$/i.test(attribute) || /^expires=Thu, 01 Jan 1970/i.test(attribute),
    );
    const index = jar.findIndex((cookie) => cookie.name === name && cookie.domain === domain);
    if (index >= 0) jar.splice(index, 1);
    if (!expired && value !== '') jar.push({ name, value, domain, hostOnly: !domainAttribute });
  }

  const cookiesFor = (host: string) =>
    jar.filter((cookie) =>
      cookie.hostOnly ? cookie.domain === host : host === cookie.domain || host.endsWith(`.${cookie.domain}`),
    );

  function send(
    method: string,
    url: string,
    init: { headers?: Record<string, string>; body?: string } = {},
  ): Promise<ProxyResponse> {
    const target = new URL(url);
    const cookies = cookiesFor(target.hostname);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: options.port,
          servername: target.hostname,
          ca: options.caPem,
          method,
          path: `${target.pathname}${target.search}`,
          headers: {
            host: target.host,
            'user-agent': 'portcullis-proxy-test',
            ...(cookies.length > 0 && { cookie: cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ') }),
            ...init.headers,
            ...(init.body !== undefined && { 'content-length': String(Buffer.byteLength(init.body)) }),
          },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () => {
            for (const header of response.headers['set-cookie'] ?? []) store(target.hostname, header);
            const location = response.headers.location;
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body,
              json: <T>() => JSON.parse(body) as T,
              location: location ? new URL(location, url).href : undefined,
            });
          });
        },
      );
      req.on('error', reject);
      if (init.body !== undefined) req.write(init.body);
      req.end();
    });
  }

  return {
    jar,
    cookiesFor,
    get: (url: string, headers?: Record<string, string>) => send('GET', url, { ...(headers && { headers }) }),
    post: (url: string, body: unknown, headers: Record<string, string> = {}) =>
      send('POST', url, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
    postForm: (url: string, form: Record<string, string>) =>
      send('POST', url, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }),
  };
}

export type ProxyBrowser = ReturnType<typeof createProxyBrowser>;
