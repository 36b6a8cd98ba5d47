/**
 * The one error type of the Duo client. Everything an operator or a log line sees comes from here,
 * so this file is where the "no secret in logs" rule (anchors #90, ASVS 16.2.5) is enforced:
 * messages are built from fixed text plus values we chose to show (host, HTTP status, Duo's error
 * code); anything that came from the wire is sanitised and scrubbed of the request's sensitive
 * values first. The original low-level error is never attached (Node/undici errors can carry the
 * request options and body).
 */

export type DuoErrorKind =
  | 'configuration'
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'invalid_credentials'
  | 'invalid_grant'
  | 'server_error'
  | 'rate_limited'
  | 'malformed_response'
  | 'health_failed'
  | 'invalid_token'
  | 'denied'
  | 'username_mismatch'
  | 'nonce_mismatch'
  | 'permission_denied'
  | 'not_found';

/** Which call failed: fail-open may only ever apply to the health check (anchors #74). */
export type DuoOperation = 'configuration' | 'health_check' | 'authorize' | 'token' | 'admin_api';

export interface DuoErrorInit {
  kind: DuoErrorKind;
  message: string;
  hint: string;
  operation: DuoOperation;
  cause?: string;
  httpStatus?: number;
  duoCode?: number;
  /** Duo's clock (epoch seconds) when a FAIL answer carried one: lets the caller tell a wrong secret from a wrong clock. */
  duoTime?: number;
}

export class DuoError extends Error {
  override readonly name = 'DuoError';
  readonly kind: DuoErrorKind;
  readonly hint: string;
  readonly operation: DuoOperation;
  // Declared, not initialised: absent optional fields stay absent (cleaner logs and JSON).
  declare readonly cause?: string;
  declare readonly httpStatus?: number;
  declare readonly duoCode?: number;
  declare readonly duoTime?: number;

  constructor(init: DuoErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.hint = init.hint;
    this.operation = init.operation;
    const optional = { cause: init.cause, httpStatus: init.httpStatus, duoCode: init.duoCode, duoTime: init.duoTime };
    for (const [name, value] of Object.entries(optional)) {
      if (value !== undefined) Object.defineProperty(this, name, { value, enumerable: true });
    }
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      operation: this.operation,
      message: this.message,
      hint: this.hint,
      ...(this.cause !== undefined && { cause: this.cause }),
      ...(this.httpStatus !== undefined && { httpStatus: this.httpStatus }),
      ...(this.duoCode !== undefined && { duoCode: this.duoCode }),
      ...(this.duoTime !== undefined && { duoTime: this.duoTime }),
    };
  }
}

const OUTAGE_KINDS: ReadonlySet<DuoErrorKind> = new Set(['unreachable', 'timeout', 'server_error']);

/**
 * True only where a provider's fail-open mode may apply: Duo could not be reached (DNS, refused,
 * reset, timeout) or answered 5xx, during the health check that precedes sending the user to Duo.
 * - A 429 is not an outage: Duo is up and answering, only refusing this application for a while. A
 *   burst of sign-ins (or an attacker's) can provoke it at will, so it must never open the door.
 * - TLS failures are not outages: an untrusted certificate is what an attacker on the path would
 *   present, and fail-open would hand them a 2FA bypass (anchors #71: "TLS verification never relaxed").
 * - invalid_credentials and other 4xx are configuration errors: always closed (anchors #72).
 * - Nothing after the user was sent to Duo (token exchange) may fail open (anchors #57, #74),
 *   otherwise a user who was denied at Duo could force an "outage" to get in.
 */
export function isOutage(error: unknown): boolean {
  return error instanceof DuoError && error.operation === 'health_check' && OUTAGE_KINDS.has(error.kind);
}

export const HINTS = {
  credentials: "check the Client ID and Client Secret; if they are right, check this server's clock (NTP)",
  clock: "check this server's clock (NTP): Duo's tokens are only valid within 60 seconds of their timestamps",
  serverError: 'Duo reported an internal error; check status.duo.com and retry later',
  rateLimited: 'Duo is rate limiting this application; retry later',
  malformed:
    'the answer did not look like Duo; check the API hostname and that nothing (proxy, firewall page) intercepts traffic to it',
  restart: 'start the sign-in again',
} as const;

/**
 * Turns a piece of server-provided text into something safe for a log line: printable ASCII only,
 * bounded, and with every sensitive value of this request (secret, assertion, code, state, nonce,
 * and their base64 forms) removed, in case a server (or a man in the middle) echoes them back.
 */
export function safeServerText(value: unknown, sensitive: readonly string[], max = 200): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  let text = value.replace(/[^\x20-\x7e]+/g, ' ').trim();
  for (const secret of expandSensitive(sensitive)) {
    if (secret.length >= 8) text = text.split(secret).join('[redacted]');
  }
  if (text.length > max) text = `${text.slice(0, max)}…`;
  return text.length > 0 ? text : undefined;
}

/** A short machine token from the wire (an OAuth error name, an auth_result status), or a fallback. */
export function safeToken(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^[a-z][a-z0-9_]{0,39}$/i.test(value) ? value : fallback;
}

function expandSensitive(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    if (!value) continue;
    const bytes = Buffer.from(value, 'utf8');
    out.push(value, bytes.toString('base64'), bytes.toString('base64url'), encodeURIComponent(value));
  }
  // Longest first, so a value is not left half-redacted by a shorter one it contains.
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}
