import { Agent, type Dispatcher, request } from 'undici';

export interface Reply {
  status: number;
  location: string | null;
  body: string;
}

/** Connection pools shared by every simulated browser: keep-alive, as a browser keeps its connections. */
export interface Agents {
  portal: Dispatcher;
  /** HTTPS to the Duo emulator, trusting its CA. */
  duo: Dispatcher;
}

export function createAgents(duoCaPem: string): Agents {
  return {
    portal: new Agent({ keepAliveTimeout: 30_000, connections: 64 }),
    duo: new Agent({ keepAliveTimeout: 30_000, connections: 64, connect: { ca: duoCaPem } }),
  };
}

/**
 * One browser: a cookie jar for the portal, the CSRF token the console would fetch, and no redirect
 * following (each hop is a step of its own, timed separately).
 */
export class Browser {
  readonly jar = new Map<string, string>();
  csrfToken: string | null = null;

  constructor(
    readonly portalBase: string,
    private readonly agents: Agents,
  ) {}

  private remember(setCookie: string | string[] | undefined): void {
    for (const line of setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = decodeURIComponent(pair.slice(eq + 1).trim());
      const expired = attributes.some((attribute) => {
        const [key = '', raw = ''] = attribute.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(raw) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(raw) <= Date.now();
        return false;
      });
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  /** A request to the portal; `path` may also be a full URL on the portal (the callback). */
  async portal(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    init: { json?: unknown; form?: Record<string, string> } = {},
  ): Promise<Reply> {
    const url = new URL(path, this.portalBase);
    const headers: Record<string, string> = { 'user-agent': 'portcullis-bench', accept: 'application/json' };
    if (this.jar.size > 0)
      headers.cookie = [...this.jar].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.accept = 'text/html';
      body = new URLSearchParams({ ...(this.csrfToken && { _csrf: this.csrfToken }), ...init.form }).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      if (this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
      body = JSON.stringify(init.json);
    } else if (method !== 'GET' && this.csrfToken) {
      headers['x-csrf-token'] = this.csrfToken;
    }
    const response = await request(`${this.portalBase}${url.pathname}${url.search}`, {
      method,
      headers,
      ...(body !== undefined && { body }),
      dispatcher: this.agents.portal,
    });
    this.remember(response.headers['set-cookie']);
    const text = await response.body.text();
    return { status: response.statusCode, location: header(response.headers.location), body: text };
  }

  /** GET /api/session: what the sign-in page does first; stores the CSRF token it hands out. */
  async fetchCsrf(): Promise<Reply> {
    const reply = await this.portal('GET', '/api/session');
    if (reply.status !== 200) throw new Error(`GET /api/session answered ${reply.status}: ${reply.body}`);
    this.csrfToken = (JSON.parse(reply.body) as { csrfToken: string }).csrfToken;
    return reply;
  }

  /** A top-level navigation to the Duo emulator (its own origin: no portal cookies). */
  async duo(url: string): Promise<Reply> {
    const response = await request(url, {
      method: 'GET',
      headers: { 'user-agent': 'portcullis-bench', accept: 'text/html' },
      dispatcher: this.agents.duo,
    });
    const text = await response.body.text();
    return { status: response.statusCode, location: header(response.headers.location), body: text };
  }

  hasSession(): boolean {
    return this.jar.has('portcullis_session');
  }
}

function header(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? (value[0] ?? null) : value;
}

export function expectStatus(step: string, reply: Reply, ...allowed: number[]): Reply {
  if (!allowed.includes(reply.status))
    throw new Error(`${step}: expected ${allowed.join('/')}, got ${reply.status} ${reply.body.slice(0, 300)}`);
  return reply;
}
