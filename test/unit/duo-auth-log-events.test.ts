import { describe, expect, it } from 'vitest';
import type { DuoAuthLogEntry } from '../../src/server/duo/admin-api/index.ts';
import { auditOfEntry, isImportable } from '../../src/server/mfa/providers/duo/auth-log-events.ts';

const CLIENT_ID = 'DIAAAAAAAAAAAAAAAAAA';
const entry = (patch: Partial<DuoAuthLogEntry> = {}): DuoAuthLogEntry => ({
  txid: '5bea5c1e-682c-4f1d-b3f0-75fd31385bd5',
  timestampMs: Date.UTC(2026, 10, 27, 9, 0, 0),
  username: 'alice',
  userKey: 'DUAAAAAAAAAAAAAAAAAA',
  result: 'denied',
  reason: 'user_mistake',
  factor: 'duo_push',
  applicationKey: CLIENT_ID,
  applicationName: 'Portcullis',
  accessIp: '192.0.2.10',
  ...patch,
});

describe("Duo's authentication log entries as audit events", () => {
  it('imports the failures of this provider’s own application only', () => {
    expect(isImportable(entry(), CLIENT_ID)).toBe(true);
    expect(isImportable(entry({ result: 'fraud', reason: 'user_marked_fraud' }), CLIENT_ID)).toBe(true);
    expect(isImportable(entry({ result: 'error', reason: 'error' }), CLIENT_ID)).toBe(true);
    expect(isImportable(entry({ result: 'success', reason: 'user_approved' }), CLIENT_ID)).toBe(false);
    expect(isImportable(entry({ applicationKey: 'DIBBBBBBBBBBBBBBBBBB' }), CLIENT_ID)).toBe(false);
  });

  it('a denial: Duo’s reason, txid, factor and address; the matched user as the target', () => {
    const { event, context } = auditOfEntry(
      entry({ reason: 'no_response' }),
      { id: 3, name: 'Duo' },
      { id: 7, username: 'alice' },
    );
    expect(event).toEqual({
      type: 'duo.authentication_denied',
      outcome: 'failure',
      reason: 'no_response',
      target: { type: 'user', id: 7, label: 'alice' },
      details: {
        provider: 'Duo',
        txid: '5bea5c1e-682c-4f1d-b3f0-75fd31385bd5',
        duoUser: 'alice',
        result: 'denied',
        factor: 'duo_push',
        application: 'Portcullis',
        duoTime: '2026-11-27T09:00:00.000Z',
      },
    });
    expect(context).toEqual({ actor: null, ip: '192.0.2.10', userAgent: 'Duo authentication log', requestId: null });
  });

  it('a fraud report has its own event; a name matching nobody has no target', () => {
    const { event } = auditOfEntry(
      entry({ result: 'fraud', reason: 'user_marked_fraud' }),
      { id: 3, name: 'Duo' },
      null,
    );
    expect(event.type).toBe('duo.fraud_reported');
    expect(event).not.toHaveProperty('target');
  });

  it('what came from the wire cannot forge a line or a reason (ASVS 16.4.1)', () => {
    const { event, context } = auditOfEntry(
      entry({
        username: 'eve\r\nadmin logged in',
        reason: 'x\nforged',
        factor: '<script>',
        accessIp: 'not-an-ip\n',
        applicationName: 'App\u001b[31m',
      }),
      { id: 3, name: 'Duo' },
      null,
    );
    expect(event.reason).toBe('unrecognised');
    expect(event.details).toMatchObject({
      duoUser: 'eve admin logged in',
      factor: 'unrecognised',
      application: 'App [31m',
    });
    expect(context.ip).toBeNull();
  });
});
