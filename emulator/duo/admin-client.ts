// The emulator's own Admin API caller, for its CLI (`duo-emulator bypass-codes`): a running emulator owns its data
// dir, so the CLI asks it over HTTPS, signed like any Admin API client, instead of writing state.json under it.
import https from 'node:https';
import { authorizationHeader, type Params } from './admin-signature.ts';

export interface AdminTarget {
  /** host:port, as in emulator.json's endpoint. */
  endpoint: string;
  integrationKey: string;
  secretKey: string;
  caPem: string;
}

export function callAdminApi(
  target: AdminTarget,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Params = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const date = new Date().toUTCString();
  const query = new URLSearchParams(params as Record<string, string>).toString();
  const inBody = method === 'POST';
  const headers: Record<string, string> = {
    date,
    authorization: authorizationHeader('v2-sha512', target.integrationKey, target.secretKey, {
      date,
      method,
      host: target.endpoint,
      path,
      params,
    }),
    ...(inBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
  };
  const url = `https://${target.endpoint}${path}${!inBody && query ? `?${query}` : ''}`;
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca: target.caPem, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
        } catch {
          reject(new Error(`The emulator answered HTTP ${res.statusCode} without JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('The emulator did not answer within 10 s')));
    req.on('error', reject);
    req.end(inBody ? query : undefined);
  });
}
