import { Agent, fetch } from 'undici';

export interface RealResponse {
  status: number;
  headers: Headers;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * A browser over a real socket (HTTP, or HTTPS trusting `ca`): a cookie jar, the CSRF token from
 * `GET /api/session` sent back as the console does, no automatic redirects. For tests of a portal in
 * another process or behind a proxy, where fastify.inject cannot reach. `set-cookie` headers are kept
 * whole (`setCookies`), so tests can check their attributes.
 */
export function realBrowser(
  base: string,
  options: { ca?: string; headers?: Record<string, string>; localAddress?: string } = {},
) {
  // localAddress: connect from another loopback address (127.0.0.2, ...) to look like another client.
  const dispatcher = new Agent({
    connect: options.ca ? { ca: options.ca } : {},
    ...(options.localAddress && { localAddress: options.localAddress }),
  });
  const jar = new Map<string, string>();
  const setCookies: string[] = [];
  let csrfToken: string | null = null;

  async function request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<RealResponse> {
    const response = await fetch(new URL(path, base), {
      method,
      redirect: 'manual',
      dispatcher,
      headers: {
        accept: 'application/json',
        'user-agent': 'portcullis-test',
        ...options.headers,
        ...(jar.size > 0 && { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') }),
        ...(csrfToken && method !== 'GET' && { 'x-csrf-token': csrfToken }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    for (const line of response.headers.getSetCookie()) {
      setCookies.push(line);
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text, json: <T>() => JSON.parse(text) as T };
  }

  /** The session as the console reads it; refreshes the CSRF token (it is bound to the session). */
  async function session() {
    const response = await request('GET', '/api/session');
    const info = response.json<{
      csrfToken: string;
      user: { username: string } | null;
      session: { authLevel: string } | null;
    }>();
    csrfToken = info.csrfToken;
    return { response, ...info };
  }

  return {
    request,
    session,
    /** Password sign-in as the console does it; returns the login response. */
    async signIn(username: string, password: string) {
      await session();
      const login = await request('POST', '/api/auth/login', { username, password });
      await session();
      return login;
    },
    cookies: () => new Map(jar),
    setCookies: () => [...setCookies],
    close: () => dispatcher.close(),
  };
}
