/**
 * Duo's Admin API answers, read into typed results. Everything is checked before it is trusted:
 * a field of the wrong type makes the whole answer malformed rather than a half-filled object.
 */
import { DuoError, safeServerText } from '../errors.ts';
import { parseJson } from '../responses.ts';
import { type HttpResponse, malformed } from '../transport.ts';

export type DuoUserStatus = 'active' | 'bypass' | 'disabled' | 'locked_out' | 'pending_deletion';

export interface DuoAdminPhone {
  phoneId: string;
  /** E.164, e.g. "+15555550100"; empty for a phone without a number (a tablet). */
  number: string;
  name: string;
  /** e.g. "iPhone 15" (what the audit log names a removed phone by). */
  model: string;
  type: string;
  platform: string;
  activated: boolean;
  capabilities: string[];
}

export interface DuoAdminUser {
  userId: string;
  username: string;
  status: DuoUserStatus;
  isEnrolled: boolean;
  phones: DuoAdminPhone[];
  /** Epoch seconds of the last successful authentication, or null. */
  lastLogin: number | null;
}

export interface DuoAuthLogEntry {
  txid: string;
  /** Epoch milliseconds (Duo's `timestamp` is seconds). */
  timestampMs: number;
  username: string;
  userKey: string | null;
  /** e.g. "success", "denied", "fraud", "error". */
  result: string;
  /** e.g. "user_approved", "user_mistake", "user_marked_fraud", "no_response". */
  reason: string;
  /** e.g. "duo_push", "phone_call", "duo_mobile_passcode", "bypass_code". */
  factor: string;
  applicationKey: string;
  applicationName: string;
  accessIp: string | null;
}

export interface DuoAdminSummary {
  userCount: number;
  integrationCount: number;
}

type Json = Record<string, unknown>;

const STATUSES: Record<string, DuoUserStatus> = {
  active: 'active',
  bypass: 'bypass',
  disabled: 'disabled',
  'locked out': 'locked_out',
  'pending deletion': 'pending_deletion',
};

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function bad(what: string, status: number): DuoError {
  return malformed('admin_api', what, 'shape', status);
}

/** Duo's codes for credentials it refused: missing, unknown integration key, bad signature, bad date. */
const CREDENTIAL_CODES = new Set([40101, 40102, 40103, 40104, 40105]);

/** The `response` of a `{"stat":"OK"}` answer, or the DuoError its FAIL envelope means. */
export function readResponse(res: HttpResponse, sensitive: readonly string[]): unknown {
  const body = parseJson(res, 'admin_api', sensitive);
  if (body.stat === 'OK' && res.status === 200) return body.response;
  const code = typeof body.code === 'number' && Number.isInteger(body.code) ? body.code : undefined;
  const text = [safeServerText(body.message, sensitive, 80), safeServerText(body.message_detail, sensitive)]
    .filter(Boolean)
    .join(': ');
  const suffix = text ? ` (${text})` : '';
  const common = {
    operation: 'admin_api' as const,
    httpStatus: res.status,
    ...(code !== undefined && { duoCode: code }),
  };
  if (body.stat !== 'FAIL') throw bad(`HTTP ${res.status} without a stat of OK or FAIL`, res.status);
  if (res.status === 401 || (code !== undefined && CREDENTIAL_CODES.has(code))) {
    throw new DuoError({
      ...common,
      kind: 'invalid_credentials',
      cause: code === 40105 ? 'request_date' : 'signature',
      message: `Duo refused the Admin API credentials${suffix}.`,
      hint:
        code === 40105
          ? "check this server's clock (NTP): Duo refuses signed requests whose Date is too far off"
          : "check the Admin API integration key, secret key and API hostname; if they are right, check this server's clock",
    });
  }
  if (res.status === 403) {
    throw new DuoError({
      ...common,
      kind: 'permission_denied',
      cause: 'forbidden',
      message: `Duo refused the Admin API call${suffix}.`,
      hint: 'in the Duo Admin Panel, give the Admin API application the permission this needs (Grant read resource, Grant write resource, Grant read log)',
    });
  }
  if (res.status === 404) {
    throw new DuoError({
      ...common,
      kind: 'not_found',
      cause: 'not_found',
      message: `Duo has no such object${suffix}.`,
      hint: 'it may have been removed in the Duo Admin Panel already',
    });
  }
  throw new DuoError({
    ...common,
    kind: 'configuration',
    cause: code !== undefined ? String(code) : 'fail',
    message: `Duo refused the Admin API request${suffix}.`,
    hint: 'this is probably a bug in Portcullis; the Duo answer is quoted above',
  });
}

function readPhone(value: unknown, status: number): DuoAdminPhone {
  if (!isObject(value) || !str(value.phone_id)) throw bad('a phone without a phone_id', status);
  return {
    phoneId: value.phone_id as string,
    number: str(value.number) ?? '',
    name: str(value.name) ?? '',
    model: str(value.model) ?? '',
    type: str(value.type) ?? '',
    platform: str(value.platform) ?? '',
    activated: value.activated === true,
    capabilities: Array.isArray(value.capabilities) ? value.capabilities.filter((c) => typeof c === 'string') : [],
  };
}

export function readUser(value: unknown, status: number): DuoAdminUser {
  if (!isObject(value) || !str(value.user_id) || !str(value.username)) throw bad('a user without user_id', status);
  const state = STATUSES[str(value.status) ?? ''];
  if (!state) throw bad('a user with an unknown status', status);
  if (!Array.isArray(value.phones)) throw bad('a user without a phones list', status);
  return {
    userId: value.user_id as string,
    username: value.username as string,
    status: state,
    isEnrolled: value.is_enrolled === true,
    phones: value.phones.map((phone) => readPhone(phone, status)),
    lastLogin: typeof value.last_login === 'number' ? value.last_login : null,
  };
}

export function readAuthLog(value: unknown, status: number): { entries: DuoAuthLogEntry[]; nextOffset: string | null } {
  if (!isObject(value) || !Array.isArray(value.authlogs) || !isObject(value.metadata))
    throw bad('an authentication log without authlogs and metadata', status);
  const entries = value.authlogs.map((raw): DuoAuthLogEntry => {
    if (!isObject(raw) || !str(raw.txid) || typeof raw.timestamp !== 'number')
      throw bad('an authentication log entry without txid or timestamp', status);
    const user = isObject(raw.user) ? raw.user : {};
    const app = isObject(raw.application) ? raw.application : {};
    const access = isObject(raw.access_device) ? raw.access_device : {};
    return {
      txid: raw.txid as string,
      timestampMs: Math.round(raw.timestamp * 1000),
      username: str(user.name) ?? '',
      userKey: str(user.key) ?? null,
      result: str(raw.result) ?? '',
      reason: str(raw.reason) ?? '',
      factor: str(raw.factor) ?? '',
      applicationKey: str(app.key) ?? '',
      applicationName: str(app.name) ?? '',
      accessIp: str(access.ip) ?? null,
    };
  });
  const next = value.metadata.next_offset;
  if (next === null || next === undefined) return { entries, nextOffset: null };
  if (
    !Array.isArray(next) ||
    next.length !== 2 ||
    !next.every((part) => typeof part === 'string' || typeof part === 'number')
  )
    throw bad('an authentication log with an unreadable next_offset', status);
  return { entries, nextOffset: next.join(',') };
}

export function readSummary(value: unknown, status: number): DuoAdminSummary {
  if (!isObject(value) || typeof value.user_count !== 'number') throw bad('an info summary without user_count', status);
  return {
    userCount: value.user_count,
    integrationCount: typeof value.integration_count === 'number' ? value.integration_count : 0,
  };
}
