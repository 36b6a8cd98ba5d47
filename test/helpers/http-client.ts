import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export interface ClientResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json<T = Record<string, unknown>>(): T;
  cookies: Array<{ name: string; value: string; [attribute: string]: unknown }>;
}

function wrap(response: LightMyRequestResponse): ClientResponse {
  return {
    status: response.statusCode,
    headers: response.headers,
    body: response.body,
    json: <T>() => response.json() as T,
    cookies: response.cookies as ClientResponse['cookies'],
  };
}

/**
 * A browser-like client over fastify.inject: keeps cookies, fetches and sends the CSRF token, and
 * reports the remote address it claims, so tests read like what a browser does.
 */
export function createClient(app: FastifyInstance, options: { ip?: string; userAgent?: string } = {}) {
  const jar = new Map<string, string>();
  let csrfToken: string | null = null;

  function remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired =
        cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() <= Date.now()) || cookie.value === '';
      if (expired) jar.delete(cookie.name);
      else jar.set(cookie.name, cookie.value);
    }
  }

  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

  async function request(
    method: string,
    url: string,
    init: { body?: unknown; form?: Record<string, string>; headers?: Record<string, string>; csrf?: boolean } = {},
  ) {
    const wantsCsrf = init.csrf ?? !['GET', 'HEAD'].includes(method);
    if (wantsCsrf && csrfToken === null) await refreshCsrf();
    const headers: Record<string, string> = {
      'user-agent': options.userAgent ?? 'portcullis-test',
      ...(jar.size > 0 && { cookie: cookieHeader() }),
      ...(wantsCsrf && csrfToken && !init.form && { 'x-csrf-token': csrfToken }),
      ...init.headers,
    };
    let payload: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams({
        ...(wantsCsrf && csrfToken ? { _csrf: csrfToken } : {}),
        ...init.form,
      }).toString();
    } else if (init.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    }
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload !== undefined && { payload }),
      remoteAddress: options.ip ?? '127.0.0.1',
    });
    remember(response);
    return wrap(response);
  }

  async function refreshCsrf() {
    const response = await request('GET', '/api/session', { csrf: false });
    csrfToken = response.json<{ csrfToken: string }>().csrfToken;
    return response;
  }

  return {
    jar,
    get csrfToken() {
      return csrfToken;
    },
    /** Re-reads /api/session (after sign-in the CSRF token changes, bound to the new session). */
    session: () => refreshCsrf().then((response) => response.json<Record<string, unknown>>()),
    get: (url: string, headers?: Record<string, string>) => request('GET', url, { ...(headers && { headers }) }),
    post: (url: string, body?: unknown, headers?: Record<string, string>) =>
      request('POST', url, { body, ...(headers && { headers }) }),
    patch: (url: string, body?: unknown) => request('PATCH', url, { body }),
    postForm: (url: string, form: Record<string, string>) => request('POST', url, { form }),
    raw: request,
    async signIn(username: string, password: string) {
      if (csrfToken !== null) await refreshCsrf(); // a token from an ended session is no longer valid
      const response = await request('POST', '/api/auth/login', { body: { username, password } });
      await refreshCsrf();
      return response;
    },
  };
}

export type TestClient = ReturnType<typeof createClient>;
