import type { Role } from '../db/repos/users-repo.ts';
import type { HealthStatus } from '../mfa/provider-type.ts';

type Change = { from: string | null; to: string | null };

/**
 * The typed audit catalogue: event name (`entity.verb_past`) -> the details it may carry. Payloads are
 * closed shapes, so a secret, a password or a token cannot be passed by accident.
 */
export interface AuditDetails {
  'setup.completed': { username: string };
  'user.created': { username: string; role: Role; email: string; by: 'setup' | 'console' | 'cli' };
  'user.updated': { changes: Record<string, { from: string | boolean; to: string | boolean }> };
  'user.disabled': { sessionsEnded: number };
  'user.enabled': Record<string, never>;
  'user.password_reset': { sessionsEnded: number; by: 'console' | 'cli' };
  'user.password_changed': { otherSessionsEnded: number };
  'user.sessions_revoked': { sessionsEnded: number };
  'user.mfa_configured': {
    provider: string;
    replaced: string | null;
    factor: string | null;
    txid: string | null;
    method?: string;
    label?: string;
  };
  'user.mfa_reset': { provider: string; sessionsEnded: number; factors?: number };
  'login.succeeded': {
    authLevel: string;
    amr?: string[];
    method?: string;
    provider?: string;
    factor?: string | null;
    txid?: string | null;
    enrolled?: boolean;
    purpose?: string;
  };
  'login.mfa_started': { provider: string; purpose: string; enrolling: boolean };
  'login.mfa_failed': { provider: string | null; purpose: string | null; message: string | null };
  'login.mfa_throttled': { provider: string; limit: number };
  'login.mfa_unavailable': { provider: string | null; check: HealthStatus | null; cause: string | null };
  'login.mfa_bypassed': { provider: string; check: HealthStatus; cause: string | null };
  'login.failed': { username: string; purpose?: 'password_change' };
  'login.throttled': { username: string; scope: 'account' | 'address' | 'device'; retryAfterSeconds: number };
  'session.signed_out': Record<string, never>;
  'audit.exported': { rows: number; filters: Record<string, string>; format: 'csv' | 'jsonl'; completed: boolean };
  'settings.updated': { key: string; changes: Record<string, Change> };
  'mfa_provider.created': {
    name: string;
    type: string;
    enabled: boolean;
    settings: Record<string, string>;
    check: HealthStatus | 'skipped';
    savedDespiteCheck: boolean;
  };
  'mfa_provider.updated': {
    changes: Record<string, Change>;
    check: HealthStatus | 'skipped';
    savedDespiteCheck: boolean;
  };
  'mfa_provider.enabled': { check: HealthStatus | 'skipped' };
  'mfa_provider.disabled': { affectedUsers: number; reason: 'administrator' | 'secret_unopenable' };
  'mfa_provider.deleted': { name: string; type: string; affectedUsers: number };
  'mfa_provider.tested': { status: HealthStatus; cause: string | null; skewSeconds: number | null };
  'mfa_provider.secret_rotated': { secret: string };
  'keys.rotated': { toVersion: number; resealed: number; retiredVersions: number[] };
  'login.mfa_fallback': { to: string; purpose: string };
  'login.recovery_code_used': { remaining: number; purpose: string };
  'user.factor_renamed': { method: string; from: string; to: string };
  'user.factor_removed': { method: string; label: string; by: 'self' | 'administrator'; sessionsEnded: number };
  'user.factor_default_set': { method: string; label: string };
  'user.recovery_codes_generated': { count: number; replacedRemaining: number | null };
  'user.factor_clone_suspected': { label: string; storedCounter: number };
  'audit_destination.created': { name: string; kind: string; enabled: boolean; settings: Record<string, unknown> };
  'audit_destination.updated': { changes: Record<string, Change>; droppedBacklog: number };
  'audit_destination.deleted': { name: string; kind: string; undelivered: number };
  'audit_destination.tested': { ok: boolean; message: string };
  'audit.archived': { archiveId: number; cutoff: string; rows: number; sha256: string; format: string };
  'audit.pruned': { archiveId: number; cutoff: string; rows: number };
  'login.mfa_prechecked': {
    provider: string;
    status: string;
    purpose: string;
    enrolling: boolean;
    cause: string | null;
    message: string | null;
  };
  'user.provider_devices_removed': {
    provider: string;
    subject: string;
    devices: Array<{ id: string; description: string }>;
    complete: boolean;
    message: string | null;
  };
  'duo.authentication_denied': DuoAuthLogDetails;
  'duo.fraud_reported': DuoAuthLogDetails;
  'users.exported': { rows: number; filters: Record<string, string> };
  'mfa_providers.exported': { rows: number; filters: Record<string, string> };
  'group.created': { name: string; mfaPolicy: string; description: string };
  'group.updated': { changes: Record<string, Change> };
  'group.deleted': { name: string; members: number };
  'group.members_added': { group: string; usernames: string[] };
  'group.member_removed': { group: string; username: string };
  'application.created': { name: string; protocol: string; enabled: boolean; urls: string[]; rules: string[] };
  'application.updated': { changes: Record<string, Change> };
  'application.deleted': { name: string; urls: string[] };
  'signing_key.created': { kid: string; alg: string };
}

/** An entry of Duo's authentication log copied into the audit log (never a secret: Duo's log holds none). */
interface DuoAuthLogDetails {
  provider: string;
  txid: string;
  duoUser: string;
  result: string;
  factor: string;
  application: string;
  /** When Duo recorded it (the audit row's time is the same; this keeps Duo's own ISO form). */
  duoTime: string;
}

export type AuditEventType = keyof AuditDetails;

export const AUDIT_EVENT_TYPES = [
  'setup.completed',
  'user.created',
  'user.updated',
  'user.disabled',
  'user.enabled',
  'user.password_reset',
  'user.password_changed',
  'user.sessions_revoked',
  'user.mfa_configured',
  'user.mfa_reset',
  'login.succeeded',
  'login.failed',
  'login.mfa_started',
  'login.mfa_failed',
  'login.mfa_throttled',
  'login.mfa_unavailable',
  'login.mfa_bypassed',
  'login.throttled',
  'session.signed_out',
  'audit.exported',
  'settings.updated',
  'mfa_provider.created',
  'mfa_provider.updated',
  'mfa_provider.enabled',
  'mfa_provider.disabled',
  'mfa_provider.deleted',
  'mfa_provider.tested',
  'mfa_provider.secret_rotated',
  'keys.rotated',
  'login.mfa_fallback',
  'login.recovery_code_used',
  'user.factor_renamed',
  'user.factor_removed',
  'user.factor_default_set',
  'user.recovery_codes_generated',
  'user.factor_clone_suspected',
  'audit_destination.created',
  'audit_destination.updated',
  'audit_destination.deleted',
  'audit_destination.tested',
  'audit.archived',
  'audit.pruned',
  'login.mfa_prechecked',
  'user.provider_devices_removed',
  'duo.authentication_denied',
  'duo.fraud_reported',
  'users.exported',
  'mfa_providers.exported',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.members_added',
  'group.member_removed',
  'application.created',
  'application.updated',
  'application.deleted',
  'signing_key.created',
] as const satisfies readonly AuditEventType[];

/** Who acted, where from: taken from the request (trusted client IP only), or the CLI. */
export interface AuditContext {
  actor: { id: number; username: string } | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export type AuditEvent = {
  [K in AuditEventType]: {
    type: K;
    outcome: 'success' | 'failure';
    target?: {
      type:
        | 'user'
        | 'session'
        | 'setting'
        | 'mfa_provider'
        | 'audit'
        | 'keys'
        | 'audit_destination'
        | 'group'
        | 'application';
      id: string | number;
      label?: string;
    };
    reason?: string;
    details: AuditDetails[K];
  };
}[AuditEventType];
