import { ERRORS } from '../../../shared/api/error-catalogue.ts';
import { errorResponseSchema } from '../../../shared/api/errors.ts';

/** An error the console can act on: the catalogue code, the message to show, per-field messages, the reference. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** Extra facts some refusals carry: the failed check (PROVIDER_*), who is affected (PROVIDER_IN_USE). */
  readonly details: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: {
      fields?: Record<string, string>;
      requestId?: string;
      retryAfterSeconds?: number;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = extra.fields ?? {};
    this.requestId = extra.requestId;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.details = extra.details ?? {};
  }

  /** Our side or the network failed: worth a banner with the reference and a retry. */
  get isServerSide(): boolean {
    return this.status >= 500 || this.status === 0;
  }
}

export const isAuthError = (error: unknown): boolean =>
  error instanceof ApiError && (error.code === 'AUTH_REQUIRED' || error.code === 'SESSION_EXPIRED');

export const isForbidden = (error: unknown): boolean => error instanceof ApiError && error.code === 'FORBIDDEN';

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'CLIENT', error instanceof Error ? error.message : 'Something went wrong in the console.');
}

interface ApiHandlers {
  /** A call found no live session: the session provider sends the person to the sign-in page. */
  onUnauthorized(code: string, reason: string | undefined): void;
  /** The server wants a recent password: resolves true once the person confirmed it (and the CSRF token is new). */
  onReauthRequired(): Promise<boolean>;
}

let csrfToken = '';
let handlers: ApiHandlers = { onUnauthorized: () => {}, onReauthRequired: async () => false };

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function setApiHandlers(next: ApiHandlers): void {
  handlers = next;
}

export interface RequestOptions {
  /** For /api/session and /api/me/reauthenticate: never redirect or re-prompt from inside them. */
  quiet?: boolean;
  signal?: AbortSignal;
}

async function readError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // A proxy or load balancer answered with HTML or nothing: fall back to the status.
  }
  const parsed = errorResponseSchema.safeParse(body);
  if (parsed.success) {
    const { code, message, fields, requestId, retryAfterSeconds, details } = parsed.data.error;
    return new ApiError(response.status, code, message, {
      ...(fields && { fields }),
      ...(requestId && { requestId }),
      ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
      ...(details && { details }),
    });
  }
  if (response.status >= 500) {
    return new ApiError(response.status, 'INTERNAL', `The portal did not answer properly (HTTP ${response.status}).`);
  }
  return new ApiError(response.status, 'UNEXPECTED', `The portal refused the request (HTTP ${response.status}).`);
}

async function send<T>(method: string, path: string, body: unknown, options: RequestOptions, retried: boolean) {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined && { body: JSON.stringify(body) }),
      ...(options.signal && { signal: options.signal }),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The portal cannot be reached. Check your connection, then try again.');
  }
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  const error = await readError(response);
  if (!options.quiet) {
    if (error.status === 401 && isAuthError(error)) {
      const reason = error.details.reason;
      handlers.onUnauthorized(error.code, typeof reason === 'string' ? reason : undefined);
    }
    if (error.code === 'REAUTH_REQUIRED' && !retried && (await handlers.onReauthRequired())) {
      return send<T>(method, path, body, options, true);
    }
  }
  throw error;
}

export const api = {
  get: <T>(path: string, options: RequestOptions = {}) => send<T>('GET', path, undefined, options, false),
  post: <T>(path: string, body?: unknown, options: RequestOptions = {}) => send<T>('POST', path, body, options, false),
  patch: <T>(path: string, body: unknown, options: RequestOptions = {}) => send<T>('PATCH', path, body, options, false),
  put: <T>(path: string, body: unknown, options: RequestOptions = {}) => send<T>('PUT', path, body, options, false),
  delete: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    send<T>('DELETE', path, body, options, false),
};

/** The catalogue message for a code received in a redirect (`/signin?error=...`). */
export function catalogueMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  const entry = (ERRORS as Record<string, { message: string } | undefined>)[code];
  return entry?.message ?? 'Something went wrong. Try again.';
}

/** A query string from a filter object, leaving out empty values. */
export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
