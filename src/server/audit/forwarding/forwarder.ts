import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { Storage } from '../../db/database.ts';
import { type AuditRecord, toRecord } from '../audit-log.ts';
import { senderFor } from './destination-config.ts';
import { type ClaimedDelivery, createDestinationsRepo, type DestinationRecord } from './destinations-repo.ts';
import type { ForwardedEvent } from './event-payload.ts';
import { describeError, SEND_TIMEOUT_MS, type Sender } from './senders.ts';

interface Log {
  warn(object: Record<string, unknown>, message: string): void;
}

export interface ForwarderOptions {
  /** How often an idle node looks for new events (ms). */
  pollMs?: number;
  /** How long a claim holds rows for this node; a node that dies releases them when it runs out. */
  leaseMs?: number;
}

const BATCH = { syslog: 200, webhook: 25 } as const;
/** 1 s, 2 s, 4 s … 5 min, ±20 %: a receiver coming back is not flooded by every node at once. */
export function backoffMs(failures: number, random = Math.random): number {
  const base = Math.min(1000 * 2 ** Math.max(0, failures - 1), 300_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Delivers the outbox (ADR 0012): for each enabled destination whose back-off is over, claim a batch
 * of rows (atomically, so two nodes never hold the same row), send it in order, delete what was
 * delivered, put back what was not, and keep the status every node shows. A syslog batch is one
 * write; webhooks go one request per event, each deleted as soon as it is acknowledged, so a crash
 * repeats at most the one in flight. Graceful stop finishes the exchange in flight and releases the rest.
 */
export function createAuditForwarder(
  deps: { storage: Storage; secretBox: SecretBox; clock: () => number },
  options: ForwarderOptions = {},
) {
  const pollMs = options.pollMs ?? 1000;
  const leaseMs = options.leaseMs ?? 60_000;
  const node = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  const repo = createDestinationsRepo(deps.storage.db);
  const senders = new Map<number, { version: string; sender: Sender }>();
  const stats = { delivered: 0, failedAttempts: 0 };
  let log: Log | null = null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | null = null;
  let stopped = true;

  const versionOf = (record: DestinationRecord) =>
    `${record.updatedAt}|${JSON.stringify(record.config)}|${JSON.stringify(record.sealedSecrets)}`;

  function cachedSender(record: DestinationRecord): Sender {
    const version = versionOf(record);
    const cached = senders.get(record.id);
    if (cached?.version === version) return cached.sender;
    cached?.sender.close();
    const sender = senderFor(record, deps.secretBox);
    senders.set(record.id, { version, sender });
    return sender;
  }

  async function eventsById(claimed: ClaimedDelivery[]): Promise<Map<number, AuditRecord>> {
    const ids = claimed.map((row) => row.eventId);
    const rows = await deps.storage.db.selectFrom('audit_events').selectAll().where('id', 'in', ids).execute();
    return new Map(rows.map((row) => [Number(row.id), toRecord(row)]));
  }

  async function fail(record: DestinationRecord, error: string) {
    stats.failedAttempts += 1;
    await repo.recordFailure(record.id, {
      at: deps.clock(),
      error,
      retryAt: (failures) => deps.clock() + backoffMs(failures),
    });
    log?.warn({ destination: record.name, error }, 'audit forwarding failed; will retry');
  }

  /** One batch for one destination; true when a full batch went out (more may be waiting). */
  async function deliver(record: DestinationRecord): Promise<boolean> {
    const now = deps.clock();
    const until = now + leaseMs;
    const limit = BATCH[record.kind];
    const claimed = await repo.claim({ destinationId: record.id, node, now, until, limit });
    if (claimed.length === 0) return false;
    let sender: Sender;
    try {
      sender = cachedSender(record);
    } catch (error) {
      await repo.release(
        claimed.map((row) => row.outboxId),
        node,
      );
      await fail(record, describeError(error));
      return false;
    }
    const events = await eventsById(claimed);
    const step = record.kind === 'syslog' ? claimed.length : 1;
    let sent = 0;
    let error: string | null = null;
    // A send never starts unless it can finish (time out) while the claim still holds.
    while (sent < claimed.length && !stopped && deps.clock() + 2 * SEND_TIMEOUT_MS < until) {
      const part = claimed.slice(sent, sent + step);
      const payload = part.flatMap((row): ForwardedEvent[] => {
        const event = events.get(row.eventId);
        return event ? [event] : []; // pruned meanwhile: nothing left to send
      });
      try {
        await sender.send(payload);
      } catch (failure) {
        error = describeError(failure);
        break;
      }
      await repo.delivered(
        part.map((row) => row.outboxId),
        node,
      );
      stats.delivered += payload.length;
      sent += part.length;
    }
    await repo.release(
      claimed.slice(sent).map((row) => row.outboxId),
      node,
    );
    const last = claimed[sent - 1];
    if (last) await repo.recordSuccess(record.id, { at: deps.clock(), lastEventId: last.eventId });
    if (error) {
      await fail(record, error);
      return false;
    }
    return sent === limit;
  }

  async function tick(): Promise<boolean> {
    const enabled = (await repo.all()).filter((record) => record.enabled);
    for (const [id, cached] of senders) {
      if (enabled.some((record) => record.id === id)) continue;
      cached.sender.close();
      senders.delete(id);
    }
    let more = false;
    for (const record of enabled) {
      if (stopped) break;
      if (record.nextAttemptAt > deps.clock()) continue;
      more = (await deliver(record)) || more;
    }
    return more;
  }

  // While the database is down every pass fails the same way: say so once a minute, not once a second.
  let lastReadError = { message: '', at: 0 };
  function readFailed(error: unknown) {
    const message = (error as Error).message;
    const now = Date.now();
    if (message !== lastReadError.message || now - lastReadError.at > 60_000) {
      log?.warn({ err: { message } }, 'audit forwarding could not read the outbox; retrying');
      lastReadError = { message, at: now };
    }
    return false;
  }

  function schedule(delay: number) {
    timer = setTimeout(() => {
      running = tick()
        .catch(readFailed)
        .then((more) => {
          running = null;
          if (!stopped) schedule(more ? 0 : pollMs);
        });
    }, delay);
  }

  return {
    node,
    stats: () => ({ ...stats }),

    start(logger: Log): void {
      if (!stopped) return;
      log = logger;
      stopped = false;
      schedule(0);
    },

    /** Finishes the exchange in flight, releases the rest of its claim, closes connections. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
      for (const cached of senders.values()) cached.sender.close();
      senders.clear();
    },
  };
}

export type AuditForwarder = ReturnType<typeof createAuditForwarder>;
