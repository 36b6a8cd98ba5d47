import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  type CreateDestinationBody,
  DESTINATION_SECRETS,
  type DestinationTestResult,
  type DestinationView,
  syslogConfigSchema,
  type UpdateDestinationBody,
  webhookConfigSchema,
} from '../../../shared/api/audit-forwarding.ts';
import type { SecretBox } from '../../crypto/secret-box.ts';
import { SecretBoxError } from '../../crypto/secret-box.ts';
import type { Storage } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { AppError, type FieldErrors } from '../../errors/catalogue.ts';
import { createAuditLog } from '../audit-log.ts';
import type { AuditContext } from '../events.ts';
import {
  type DestinationSecrets,
  destinationView,
  openDestinationSecrets,
  sealDestinationSecrets,
  senderFor,
} from './destination-config.ts';
import { createDestinationsRepo, type DestinationKind, type DestinationRecord } from './destinations-repo.ts';
import { describeError } from './senders.ts';

const BACKLOG_CAP = 10_000;
type Change = { from: string | null; to: string | null };

function actorLabel(context: AuditContext): string | null {
  return context.actor?.username ?? context.userAgent;
}

/** Certificates and keys are checked here (the shared schema only sees text): a paste that does not parse is refused. */
function checkTlsMaterial(config: Record<string, unknown>, secrets: DestinationSecrets): FieldErrors {
  const errors: FieldErrors = {};
  const parse = (field: string, pem: unknown) => {
    if (typeof pem !== 'string') return null;
    try {
      return new X509Certificate(pem);
    } catch {
      errors[field] = 'This certificate cannot be read. Paste it again, as PEM.';
      return null;
    }
  };
  parse('caPem', config.caPem);
  const client = parse('clientCertPem', config.clientCertPem);
  if (config.clientCertPem !== undefined && !secrets.clientKey) {
    errors.clientKey = 'A client certificate needs its private key.';
  }
  if (secrets.clientKey && config.clientCertPem === undefined) {
    errors.clientCertPem = 'A client key needs its certificate.';
  }
  if (secrets.clientKey && client) {
    try {
      if (!client.checkPrivateKey(createPrivateKey(secrets.clientKey))) {
        errors.clientKey = 'This key does not belong to the client certificate.';
      }
    } catch {
      errors.clientKey = 'This key cannot be read. Paste it again, as unencrypted PEM.';
    }
  }
  if ((config.clientCertPem !== undefined || config.caPem !== undefined) && config.tls === false) {
    errors.tls = 'Certificates are used over TLS only: turn TLS on, or remove them.';
  }
  return errors;
}

/** The kind's settings from a flat body (or a merge of stored and changed fields), validated in full. */
function configFor(kind: DestinationKind, fields: Record<string, unknown>): Record<string, unknown> {
  const schema = kind === 'syslog' ? syslogConfigSchema : webhookConfigSchema;
  const keys = Object.keys(schema.shape);
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(fields).filter(([key, value]) => keys.includes(key) && value !== null)),
  );
  if (!parsed.success) {
    const errors: FieldErrors = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? '_')] ??= issue.message;
    throw new AppError('VALIDATION_FAILED', { fields: errors });
  }
  return parsed.data;
}

function nameTaken(name: string): AppError {
  return new AppError('DESTINATION_NAME_TAKEN', {
    fields: { name: `A destination named "${name}" already exists. Choose another name.` },
  });
}

/**
 * Forwarding destinations: validated settings, secrets sealed with the row id in their additional
 * data (write-only), and every change audited in the same transaction. The "Send a test event"
 * goes straight to the receiver with the stored settings, marked `test: true`.
 */
export function createDestinationService(deps: { storage: Storage; secretBox: SecretBox; clock: () => number }) {
  const db = deps.storage.db;

  async function load(repo: ReturnType<typeof createDestinationsRepo>, id: number): Promise<DestinationRecord> {
    const record = await repo.findById(id);
    if (!record) throw new AppError('DESTINATION_NOT_FOUND');
    return record;
  }

  async function view(record: DestinationRecord): Promise<DestinationView> {
    return destinationView(record, await createDestinationsRepo(db).backlog(record.id, BACKLOG_CAP));
  }

  async function get(id: number): Promise<DestinationView> {
    return view(await load(createDestinationsRepo(db), id));
  }

  function openSecrets(record: DestinationRecord): DestinationSecrets {
    try {
      return openDestinationSecrets(deps.secretBox, record);
    } catch (error) {
      if (error instanceof SecretBoxError) throw new AppError('DESTINATION_SECRET_UNREADABLE');
      throw error;
    }
  }

  return {
    async list(): Promise<DestinationView[]> {
      return Promise.all((await createDestinationsRepo(db).all()).map(view));
    },

    get,

    async create(body: CreateDestinationBody, context: AuditContext): Promise<DestinationView> {
      const { kind, name, enabled, ...fields } = body;
      const config = configFor(kind, fields);
      const secrets: DestinationSecrets = {
        ...(body.hmacKey && { hmacKey: body.hmacKey }),
        ...(body.clientKey && { clientKey: body.clientKey }),
      };
      const problems = checkTlsMaterial(config, secrets);
      if (Object.keys(problems).length > 0) throw new AppError('VALIDATION_FAILED', { fields: problems });
      const at = deps.clock();
      try {
        const id = await db.transaction().execute(async (trx) => {
          const repo = createDestinationsRepo(trx);
          const created = await repo.insert({ name, kind, enabled, config, at, by: actorLabel(context) });
          await repo.update(created, {
            sealedSecrets: sealDestinationSecrets(deps.secretBox, created, secrets),
            at,
            by: actorLabel(context),
          });
          // Written after the row: the destination's own creation is the first event it receives.
          await createAuditLog(trx).record(
            {
              type: 'audit_destination.created',
              outcome: 'success',
              target: { type: 'audit_destination', id: created, label: name },
              details: {
                name,
                kind,
                enabled,
                settings: Object.fromEntries(Object.entries(config).map(([key, value]) => [key, shown(key, value)])),
              },
            },
            context,
            at,
          );
          return created;
        });
        return get(id);
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(name);
        throw error;
      }
    },

    async update(id: number, body: UpdateDestinationBody, context: AuditContext): Promise<DestinationView> {
      const at = deps.clock();
      try {
        await db.transaction().execute(async (trx) => {
          const repo = createDestinationsRepo(trx);
          const before = await load(repo, id);
          const { name, enabled, hmacKey, clientKey, ...changed } = body;
          const config = configFor(before.kind, { ...before.config, ...changed });
          const stored = openSecrets(before);
          const secrets: DestinationSecrets = {
            ...stored,
            ...(hmacKey && before.kind === 'webhook' && { hmacKey }),
            ...(clientKey && before.kind === 'syslog' && { clientKey }),
          };
          if (clientKey === null) delete secrets.clientKey;
          const problems = checkTlsMaterial(config, secrets);
          if (Object.keys(problems).length > 0) throw new AppError('VALIDATION_FAILED', { fields: problems });

          const changes: Record<string, Change> = {};
          if (name !== undefined && name !== before.name) changes.name = { from: before.name, to: name };
          if (enabled !== undefined && enabled !== before.enabled)
            changes.enabled = { from: String(before.enabled), to: String(enabled) };
          for (const key of new Set([...Object.keys(before.config), ...Object.keys(config)])) {
            const from = before.config[key];
            const to = config[key];
            if (JSON.stringify(from) !== JSON.stringify(to))
              changes[key] = { from: shown(key, from), to: shown(key, to) };
          }
          for (const key of DESTINATION_SECRETS) {
            if (secrets[key] !== stored[key])
              changes[key] = { from: stored[key] ? '(hidden)' : null, to: secrets[key] ? '(changed)' : null };
          }
          // Disabled means not forwarding: what was waiting is dropped, so a later enable starts from then.
          const droppedBacklog = enabled === false && before.enabled ? await repo.dropBacklog(id) : 0;
          await repo.update(id, {
            ...(name !== undefined && { name }),
            ...(enabled !== undefined && { enabled }),
            config,
            sealedSecrets: sealDestinationSecrets(deps.secretBox, id, secrets),
            at,
            by: actorLabel(context),
          });
          await createAuditLog(trx).record(
            {
              type: 'audit_destination.updated',
              outcome: 'success',
              target: { type: 'audit_destination', id, label: name ?? before.name },
              details: { changes, droppedBacklog },
            },
            context,
            at,
          );
        });
      } catch (error) {
        if (isUniqueViolation(error) && body.name) throw nameTaken(body.name);
        throw error;
      }
      return get(id);
    },

    async remove(id: number, context: AuditContext): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const repo = createDestinationsRepo(trx);
        const record = await load(repo, id);
        const undelivered = (await repo.backlog(id, Number.MAX_SAFE_INTEGER - 1)).value;
        await createAuditLog(trx).record(
          {
            type: 'audit_destination.deleted',
            outcome: 'success',
            target: { type: 'audit_destination', id, label: record.name },
            details: { name: record.name, kind: record.kind, undelivered },
          },
          context,
          deps.clock(),
        );
        await repo.remove(id); // its outbox rows go with it (on delete cascade)
      });
    },

    /** Sends one event marked `test: true` with the stored settings, now, outside the outbox; audited. */
    async test(id: number, context: AuditContext): Promise<DestinationTestResult> {
      const record = await load(createDestinationsRepo(db), id);
      openSecrets(record);
      const sender = senderFor(record, deps.secretBox);
      const started = performance.now();
      let result: DestinationTestResult;
      try {
        await sender.send([
          {
            test: true,
            id: 0,
            occurredAt: new Date(deps.clock()).toISOString(),
            type: 'audit_destination.tested',
            outcome: 'success',
            actorId: context.actor?.id ?? null,
            actorUsername: context.actor?.username ?? null,
            targetType: 'audit_destination',
            targetId: String(id),
            targetLabel: record.name,
            ip: context.ip,
            userAgent: context.userAgent,
            reason: null,
            requestId: context.requestId,
            details: { message: 'A test event from Portcullis. Receivers should not keep it.' },
          },
        ]);
        result = { ok: true, message: 'The receiver accepted the test event.', elapsedMs: elapsed(started) };
      } catch (error) {
        result = {
          ok: false,
          message: `The test event was not delivered: ${describeError(error)}.`,
          elapsedMs: elapsed(started),
        };
      } finally {
        sender.close();
      }
      await db.transaction().execute((trx) =>
        createAuditLog(trx).record(
          {
            type: 'audit_destination.tested',
            outcome: result.ok ? 'success' : 'failure',
            target: { type: 'audit_destination', id, label: record.name },
            details: { ok: result.ok, message: result.message },
          },
          context,
          deps.clock(),
        ),
      );
      return result;
    },
  };
}

const elapsed = (started: number) => Math.round(performance.now() - started);

/** A setting as the audit record shows it: certificates only as "(certificate)", not their text. */
function shown(key: string, value: unknown): string | null {
  if (value === undefined) return null;
  return key.endsWith('Pem') ? '(certificate)' : String(value);
}

export type DestinationService = ReturnType<typeof createDestinationService>;
