import { createServer, type Server } from 'node:http';

export interface CallbackServer {
  /** The redirect_uri to register: http://127.0.0.1:<port>/callback */
  redirectUri: string;
  /** Query strings of every callback received, in order. */
  calls: URLSearchParams[];
  close(): Promise<void>;
}

/** The application side of the round trip: records what Duo sends back, so a browser test can assert on it. */
export async function startCallbackServer(): Promise<CallbackServer> {
  const calls: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/callback') calls.push(url.searchParams);
    res.writeHead(url.pathname === '/callback' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!DOCTYPE html><title>Callback</title><h1>Back at the application</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
