/**
 * Reading Duo's answers: JSON only, and every non-success mapped to one DuoError kind. Two error
 * shapes exist: Duo's own `{stat:"FAIL", code, message, message_detail}` (health check) and OAuth's
 * `{error, error_description}` (token). Server text goes into messages only after safeServerText.
 */
import { DuoError, type DuoOperation, HINTS, safeServerText, safeToken } from './errors.ts';
import { type HttpResponse, malformed } from './transport.ts';

/** Duo's code for a bad client_id / client_assertion (duo-protocol.md §1.2). */
export const INVALID_CLIENT_CODE = 40002;

export function parseJson(
  res: HttpResponse,
  operation: DuoOperation,
  sensitive: readonly string[],
): Record<string, unknown> {
  // Outages first: a 5xx/429 is recognisable whatever its body (often an HTML page or nothing).
  if (res.status >= 500) throw statusError(res, 'server_error', operation, sensitive);
  if (res.status === 429) throw statusError(res, 'rate_limited', operation, sensitive);
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    const type = String(res.headers['content-type'] ?? 'no content type').split(';')[0];
    throw malformed(operation, `HTTP ${res.status} with a non-JSON body (${type})`, 'json', res.status);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw malformed(operation, `HTTP ${res.status} with a JSON body that is not an object`, 'json', res.status);
  }
  return body as Record<string, unknown>;
}

export function readDuoError(
  res: HttpResponse,
  body: Record<string, unknown>,
  operation: DuoOperation,
  sensitive: readonly string[],
): DuoError {
  const status = res.status;
  const duoCode = typeof body.code === 'number' && Number.isInteger(body.code) ? body.code : undefined;
  const name = safeToken(body.error ?? body.message, '');
  const label = safeServerText(body.error ?? body.message, sensitive, 80);
  const detail = safeServerText(body.error_description ?? body.message_detail, sensitive);
  const described = [label, detail].filter(Boolean).join(': ');
  const suffix = described ? ` (${described})` : '';
  const duoTime = typeof body.timestamp === 'number' && Number.isFinite(body.timestamp) ? body.timestamp : undefined;
  const common = {
    operation,
    httpStatus: status,
    ...(duoCode !== undefined && { duoCode }),
    ...(duoTime !== undefined && { duoTime }),
  };

  const isClientError = status === 400 || status === 401;
  // The health check reports a bad client in a 200 or a 400 body, depending on the source (§1.2).
  const failBody = body.stat === 'FAIL' && (status === 200 || isClientError);
  if ((failBody || isClientError) && (duoCode === INVALID_CLIENT_CODE || name === 'invalid_client' || status === 401)) {
    return new DuoError({
      ...common,
      kind: 'invalid_credentials',
      cause: 'invalid_client',
      message: `Duo refused the client credentials${suffix}.`,
      hint: HINTS.credentials,
    });
  }
  if (failBody && operation === 'health_check') {
    return new DuoError({
      ...common,
      kind: 'health_failed',
      cause: duoCode !== undefined ? String(duoCode) : 'fail',
      message: `Duo's health check failed${suffix}.`,
      hint: 'check the application in the Duo Admin Panel and status.duo.com',
    });
  }
  if (status === 400 && operation === 'token' && name === 'invalid_grant') {
    return new DuoError({
      ...common,
      kind: 'invalid_grant',
      cause: 'invalid_grant',
      message: `Duo refused the authorization code${suffix}.`,
      hint: `the code was already used, has expired, or was issued for another redirect URI; ${HINTS.restart}`,
    });
  }
  if (status === 400 && operation === 'token' && name !== '') {
    // Field validation, e.g. "redirect_uri: Length must be between 1 and 256" (duo_universal_java#14).
    return new DuoError({
      ...common,
      kind: 'configuration',
      cause: name,
      message: `Duo refused the token request${suffix}.`,
      hint: 'check the provider settings (redirect URI, Client ID) against the Duo application',
    });
  }
  if (typeof body.stat === 'string') {
    // e.g. "ok" in lowercase: Duo's SDKs accept "OK" only, so do we.
    return malformed(operation, `HTTP ${status} with an unexpected stat value`, 'stat', status);
  }
  return malformed(operation, `HTTP ${status} without a recognisable Duo answer`, 'status', status);
}

function statusError(
  res: HttpResponse,
  kind: 'server_error' | 'rate_limited',
  operation: DuoOperation,
  sensitive: readonly string[],
): DuoError {
  let detail: string | undefined;
  try {
    const body = JSON.parse(res.body) as Record<string, unknown>;
    detail = safeServerText(body.message_detail ?? body.error_description ?? body.message, sensitive);
  } catch {
    // HTML or empty: nothing useful to quote.
  }
  return new DuoError({
    kind,
    operation,
    httpStatus: res.status,
    cause: kind === 'server_error' ? 'http_5xx' : 'http_429',
    message:
      kind === 'server_error'
        ? `Duo answered HTTP ${res.status}${detail ? ` (${detail})` : ''}.`
        : `Duo is rate limiting requests (HTTP 429)${detail ? ` (${detail})` : ''}.`,
    hint: kind === 'server_error' ? HINTS.serverError : HINTS.rateLimited,
  });
}
