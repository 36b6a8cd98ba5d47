import { createHmac } from 'node:crypto';
import { hostname } from 'node:os';
import { SYSLOG_FACILITIES, type SyslogFacility } from '../../../shared/api/audit-forwarding.ts';
import { VERSION } from '../../version.ts';
import type { AuditRecord } from '../audit-log.ts';

/** What a receiver gets: the audit record as the API and JSON Lines export show it. `test` marks a test event. */
export type ForwardedEvent = AuditRecord & { test?: true };

/**
 * The event as JSON with every non-ASCII character escaped (\u00e9): the bytes are plain ASCII, so
 * a syslog MSG needs no BOM (RFC 5424 §6.4) and no receiver can misread its encoding.
 */
export function eventJson(event: ForwardedEvent): string {
  return JSON.stringify(event).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** PRINTUSASCII only (RFC 5424 §6), at most `max` characters, "-" (the nil value) when empty. */
function header(value: string, max: number): string {
  return value.replace(/[^\x21-\x7e]/g, '').slice(0, max) || '-';
}

const NODE_NAME = header(hostname(), 255);
const STRUCTURED_DATA = `[origin software="portcullis" swVersion="${VERSION.replace(/["\\\]]/g, '')}"]`;

/**
 * One RFC 5424 message, framed by octet counting (RFC 6587 §3.4.1: "<length> <message>"), which
 * survives any byte in the message, unlike newline framing. MSGID is the event type; a failure is
 * sent with severity warning (4), anything else informational (6).
 */
export function syslogFrame(event: ForwardedEvent, facility: SyslogFacility): Buffer {
  const severity = event.outcome === 'failure' ? 4 : 6;
  const message = [
    `<${SYSLOG_FACILITIES[facility] * 8 + severity}>1`,
    event.occurredAt,
    NODE_NAME,
    'portcullis',
    String(process.pid),
    header(event.type, 32),
    STRUCTURED_DATA,
    eventJson(event),
  ].join(' ');
  const bytes = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${bytes.length} `, 'ascii'), bytes]);
}

/** Header names of a webhook delivery (docs/audit.md shows how a receiver checks them). */
export const WEBHOOK_HEADERS = {
  eventId: 'x-portcullis-event-id',
  timestamp: 'x-portcullis-timestamp',
  signature: 'x-portcullis-signature',
} as const;

/**
 * `v1=` + hex HMAC-SHA256 over "<timestamp>.<body>": the timestamp (Unix seconds) is signed with the
 * body, so a captured delivery cannot be replayed later with a fresh timestamp.
 */
export function webhookSignature(key: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`;
}

export const USER_AGENT = `Portcullis/${VERSION} (audit forwarding)`;
