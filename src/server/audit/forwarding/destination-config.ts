import type { Kysely } from 'kysely';
import {
  DESTINATION_SECRETS,
  type DestinationSecret,
  type DestinationView,
  type SyslogConfig,
  syslogConfigSchema,
  type WebhookConfig,
  webhookConfigSchema,
} from '../../../shared/api/audit-forwarding.ts';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { Database } from '../../db/schema.ts';
import { isoTime, isoTimeOrNull } from '../../iso-time.ts';
import { createDestinationsRepo, type DestinationRecord } from './destinations-repo.ts';
import { createSyslogSender, createWebhookSender, type Sender } from './senders.ts';

export type DestinationSecrets = Partial<Record<DestinationSecret, string>>;

/** Additional data of a sealed destination secret: it opens only in this row's field (like provider secrets). */
export function destinationSecretAad(destinationId: number, key: DestinationSecret): string {
  return `audit_destination:${destinationId}:${key}`;
}

export function sealDestinationSecrets(
  box: SecretBox,
  destinationId: number,
  secrets: DestinationSecrets,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secrets).map(([key, value]) => [
      key,
      box.seal(value, destinationSecretAad(destinationId, key as DestinationSecret)),
    ]),
  );
}

/** Throws SecretBoxError when a secret was altered, moved, or sealed under a key this node lacks. */
export function openDestinationSecrets(
  box: SecretBox,
  record: Pick<DestinationRecord, 'id' | 'sealedSecrets'>,
): DestinationSecrets {
  const secrets: DestinationSecrets = {};
  for (const key of DESTINATION_SECRETS) {
    const sealed = record.sealedSecrets[key];
    if (sealed) secrets[key] = box.open(sealed, destinationSecretAad(record.id, key));
  }
  return secrets;
}

/**
 * `keys rotate`: every destination secret re-sealed under the active key, in the rotation's
 * transaction. One that does not open stays as it is (its status says so until it is entered again).
 */
export async function resealDestinationSecrets(db: Kysely<Database>, box: SecretBox): Promise<number> {
  const repo = createDestinationsRepo(db);
  let count = 0;
  for (const record of await repo.all()) {
    if (Object.keys(record.sealedSecrets).length === 0) continue;
    let secrets: DestinationSecrets;
    try {
      secrets = openDestinationSecrets(box, record);
    } catch {
      continue;
    }
    await repo.setSecrets(record.id, sealDestinationSecrets(box, record.id, secrets));
    count += 1;
  }
  return count;
}

export function syslogConfigOf(record: Pick<DestinationRecord, 'config'>): SyslogConfig {
  return syslogConfigSchema.parse(record.config);
}

export function webhookConfigOf(record: Pick<DestinationRecord, 'config'>): WebhookConfig {
  return webhookConfigSchema.parse(record.config);
}

export function senderFor(record: DestinationRecord, box: SecretBox): Sender {
  const secrets = openDestinationSecrets(box, record);
  return record.kind === 'syslog'
    ? createSyslogSender(syslogConfigOf(record), secrets)
    : createWebhookSender(webhookConfigOf(record), secrets);
}

export function targetOf(record: Pick<DestinationRecord, 'kind' | 'config'>): string {
  if (record.kind === 'webhook') return webhookConfigOf(record).url;
  const config = syslogConfigOf(record);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `syslog+${config.tls ? 'tls' : 'tcp'}://${host}:${config.port}`;
}

/** The allow-listed view: settings and whether each secret is set, never a secret or its ciphertext. */
export function destinationView(
  record: DestinationRecord,
  backlog: { value: number; exact: boolean },
): DestinationView {
  const config = record.kind === 'syslog' ? syslogConfigOf(record) : webhookConfigOf(record);
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    enabled: record.enabled,
    target: targetOf(record),
    config,
    secretsSet: { hmacKey: 'hmacKey' in record.sealedSecrets, clientKey: 'clientKey' in record.sealedSecrets },
    createdAt: isoTime(record.createdAt),
    createdBy: record.createdBy,
    updatedAt: isoTime(record.updatedAt),
    updatedBy: record.updatedBy,
    status: {
      state: !record.enabled
        ? 'disabled'
        : record.failures > 0
          ? 'failing'
          : record.lastDeliveredAt !== null
            ? 'ok'
            : 'idle',
      lastDeliveredAt: isoTimeOrNull(record.lastDeliveredAt),
      lastDeliveredEventId: record.lastDeliveredEventId,
      backlog,
      lastError: record.lastError,
      lastErrorAt: isoTimeOrNull(record.lastErrorAt),
      failures: record.failures,
      nextAttemptAt: record.failures > 0 ? isoTime(record.nextAttemptAt) : null,
    },
  };
}
