/**
 * Which entries of Duo's authentication log become Portcullis audit events, and how (ADR 0020).
 * Pure: no HTTP, no SQL.
 */
import { isIP } from 'node:net';
import type { AuditContext, AuditEvent } from '../../../audit/events.ts';
import type { DuoAuthLogEntry } from '../../../duo/admin-api/index.ts';
import { safeToken } from '../../../duo/errors.ts';

/** What the audit rows of imported entries say about where they came from (in the User agent column). */
export const DUO_LOG_SOURCE = 'Duo authentication log';

/**
 * The entries worth an audit record: every failure Duo logged for this provider's own application
 * (denied, timed out, locked out, fraud-reported, errors). Successes are audited by Portcullis itself
 * (`login.succeeded`), and other Duo applications of the account are none of its business.
 */
export function isImportable(entry: DuoAuthLogEntry, clientId: string): boolean {
  return entry.applicationKey === clientId && entry.result !== 'success' && entry.txid !== '';
}

/** Printable, bounded text from Duo's answer (it ends up in the audit log and the console). */
function shown(value: string, max = 200): string {
  return value
    .replace(/[^\x20-\x7e\u00a0-\uffff]+/g, ' ')
    .trim()
    .slice(0, max);
}

export function auditOfEntry(
  entry: DuoAuthLogEntry,
  provider: { id: number; name: string },
  user: { id: number; username: string } | null,
): { event: AuditEvent; context: AuditContext } {
  const fraud = entry.result === 'fraud';
  const details = {
    provider: provider.name,
    txid: shown(entry.txid, 64),
    duoUser: shown(entry.username),
    result: safeToken(entry.result, 'unrecognised'),
    factor: safeToken(entry.factor, 'unrecognised'),
    application: shown(entry.applicationName),
    duoTime: new Date(entry.timestampMs).toISOString(),
  };
  const common = {
    outcome: 'failure' as const,
    reason: safeToken(entry.reason, 'unrecognised'),
    ...(user && { target: { type: 'user' as const, id: user.id, label: user.username } }),
    details,
  };
  const event: AuditEvent = fraud
    ? { type: 'duo.fraud_reported', ...common }
    : { type: 'duo.authentication_denied', ...common };
  // The address the sign-in came from, as Duo saw it; anything that is not an IP address is dropped.
  const ip = entry.accessIp && isIP(entry.accessIp) ? entry.accessIp : null;
  return { event, context: { actor: null, ip, userAgent: DUO_LOG_SOURCE, requestId: null } };
}
