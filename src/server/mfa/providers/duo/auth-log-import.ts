/**
 * Duo's authentication log, pulled into Portcullis' audit log (ADR 0020): after a denied push Duo keeps
 * the user on its prompt, so without this the audit shows nothing. Per provider with the Admin API:
 * a cursor (a time window, and Duo's next_offset while the window has more pages), at most one
 * request a minute (Duo's rate limit, shared by every node through the cursor row), a window that
 * ends two minutes ago (Duo's documented delay before an authentication shows in the log), and one
 * row per Duo txid, so an entry read twice — by two nodes, or in the overlap of two windows — is
 * written once.
 */

import type { SecretBox } from '../../../crypto/secret-box.ts';
import type { Storage } from '../../../db/database.ts';
import { createRepos } from '../../../db/repos/index.ts';
import type { ProviderRecord } from '../../../db/repos/providers-repo.ts';
import type { DuoAuthLogEntry } from '../../../duo/admin-api/index.ts';
import { openSecrets, type ProviderRuntime } from '../../provider-runtime.ts';
import { auditOfEntry, isImportable } from './auth-log-events.ts';
import { adminApiConfigured, duoAdminClientFor } from './duo-admin-features.ts';
import type { DuoSettings } from './duo-settings.ts';
import { duoProviderType } from './duo-type.ts';

/** Duo: "an intentional two minute delay in availability of new authentications" in the log API. */
export const DUO_LOG_DELAY_MS = 120_000;
/** Duo's rate limit for the authentication log: one request a minute. */
export const DUO_LOG_INTERVAL_MS = 60_000;
/** Each window starts a minute before the last one ended: an entry Duo made visible late is still read. */
const OVERLAP_MS = 60_000;
/** A provider's first import reaches back a day. */
const FIRST_LOOK_BACK_MS = 24 * 3_600_000;
/** Imported txids are kept two days (the overlap needs a minute; the Attention card counts 24 hours). */
const KEEP_ENTRIES_MS = 48 * 3_600_000;
/** Duo's largest page. */
const PAGE_SIZE = 1000;

export interface PullReport {
  providerId: number;
  provider: string;
  status: 'imported' | 'waiting' | 'failed';
  /** Entries Duo returned for this page (all applications, all results). */
  read: number;
  /** New audit records written (denied, fraud, other failures of this provider's application). */
  imported: number;
  /** Where the log has been read up to (ms), once a window is done. */
  readUpTo: number | null;
  /** When this provider may be asked again (the rate limit), for `waiting`. */
  nextRequestAt: number | null;
  message: string | null;
}

export function createDuoAuthLogImport(deps: {
  storage: Storage;
  secretBox: SecretBox;
  runtime: ProviderRuntime;
  allowCustomHosts: boolean;
  clock: () => number;
  /** Entries per request; Duo's largest page unless a caller (a test of the paging) wants smaller ones. */
  pageSize?: number;
}) {
  const { storage, clock } = deps;
  const pageSize = deps.pageSize ?? PAGE_SIZE;

  /** Duo names → Portcullis users, by recomputing each candidate's name at Duo; a name two users share matches nobody. */
  async function matchUsers(record: ProviderRecord, names: string[]) {
    const repo = createRepos(storage.db).duoAuthLog;
    const candidates =
      record.config.usernameSource === 'template'
        ? await repo.usersWithFactorOf(record.id)
        : await repo.usersNamed(names);
    const wanted = new Set(names);
    const matches = new Map<string, { id: number; username: string } | null>();
    for (const user of candidates) {
      const name = duoProviderType.subjectFor(user, record.config);
      if (!wanted.has(name)) continue;
      matches.set(name, matches.has(name) ? null : { id: user.id, username: user.username });
    }
    return matches;
  }

  /** Writes each importable entry once: the txid is claimed in the transaction that writes its audit record. */
  async function importEntries(record: ProviderRecord, entries: DuoAuthLogEntry[]): Promise<number> {
    const wanted = entries.filter((entry) => isImportable(entry, record.config.clientId ?? ''));
    if (wanted.length === 0) return 0;
    const users = await matchUsers(record, [...new Set(wanted.map((entry) => entry.username.toLowerCase()))]);
    let imported = 0;
    for (const entry of wanted) {
      const user = users.get(entry.username.toLowerCase()) ?? null;
      const written = await storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const claimed = await repos.duoAuthLog.claim({
          txid: entry.txid,
          providerId: record.id,
          occurredAt: entry.timestampMs,
          result: entry.result.slice(0, 40),
          reason: entry.reason.slice(0, 80),
          userId: user?.id ?? null,
          importedAt: clock(),
        });
        if (!claimed) return false;
        const { event, context } = auditOfEntry(entry, record, user);
        await repos.audit.record(event, context, entry.timestampMs);
        return true;
      });
      if (written) imported += 1;
    }
    return imported;
  }

  async function pull(record: ProviderRecord): Promise<PullReport> {
    const repo = createRepos(storage.db).duoAuthLog;
    const now = clock();
    const report = { providerId: record.id, provider: record.name, read: 0, imported: 0, readUpTo: null };
    await repo.ensureCursor(record.id, now - FIRST_LOOK_BACK_MS);
    if (!(await repo.takeRequestSlot(record.id, now, DUO_LOG_INTERVAL_MS))) {
      const cursor = await repo.cursor(record.id);
      return {
        ...report,
        status: 'waiting',
        nextRequestAt: (cursor?.lastRequestAt ?? now) + DUO_LOG_INTERVAL_MS,
        message: 'Duo allows one authentication-log request a minute; this provider was asked less than a minute ago.',
      };
    }
    const cursor = await repo.cursor(record.id);
    if (!cursor) throw new Error('the cursor row was just ensured');
    const paging = cursor.nextOffset !== null && cursor.maxtimeMs !== null;
    // After a pause (the Admin API off for days), reach back a day at most: claims are kept two days, so
    // nothing older than a day could be told apart from an entry imported before the pause.
    const mintimeMs = paging ? cursor.mintimeMs : Math.max(cursor.mintimeMs, now - FIRST_LOOK_BACK_MS);
    const maxtimeMs = paging && cursor.maxtimeMs !== null ? cursor.maxtimeMs : now - DUO_LOG_DELAY_MS;
    if (maxtimeMs < mintimeMs)
      return { ...report, status: 'imported', nextRequestAt: null, message: 'Nothing Duo has settled yet.' };

    const client = duoAdminClientFor(
      record.config,
      openSecrets(deps.secretBox, record),
      { allowCustomHosts: deps.allowCustomHosts, now: clock },
      deps.runtime.settingsOf(duoProviderType) as DuoSettings,
    );
    try {
      const page = await client.readAuthenticationLog({
        mintimeMs,
        maxtimeMs,
        limit: pageSize,
        maxPages: 1,
        ...(paging && cursor.nextOffset !== null && { nextOffset: cursor.nextOffset }),
      });
      const imported = await importEntries(record, page.entries);
      const done = page.nextOffset === null;
      await repo.saveProgress(record.id, {
        mintimeMs: done ? maxtimeMs + 1 - OVERLAP_MS : mintimeMs,
        maxtimeMs: done ? null : maxtimeMs,
        nextOffset: page.nextOffset,
        at: clock(),
      });
      await repo.prune(now - KEEP_ENTRIES_MS);
      return {
        ...report,
        status: 'imported',
        read: page.entries.length,
        imported,
        readUpTo: done ? maxtimeMs : null,
        nextRequestAt: null,
        message: null,
      };
    } finally {
      await client.close();
    }
  }

  return {
    /**
     * One pull per provider that uses the Admin API (enabled ones; or the one named, enabled or not).
     * A provider's failure is reported and kept on its cursor; the others go on.
     */
    async runOnce(options: { providerId?: number } = {}): Promise<PullReport[]> {
      const records = (await createRepos(storage.db).providers.all()).filter(
        (record) =>
          record.type === duoProviderType.id &&
          adminApiConfigured(record.config) &&
          (options.providerId === undefined ? record.enabled : record.id === options.providerId),
      );
      const reports: PullReport[] = [];
      for (const record of records) {
        try {
          reports.push(await pull(record));
        } catch (error) {
          const message = error instanceof Error ? error.message : 'the pull failed';
          await createRepos(storage.db).duoAuthLog.recordError(record.id, message);
          reports.push({
            providerId: record.id,
            provider: record.name,
            status: 'failed',
            read: 0,
            imported: 0,
            readUpTo: null,
            nextRequestAt: null,
            message,
          });
        }
      }
      return reports;
    },
  };
}

export type DuoAuthLogImport = ReturnType<typeof createDuoAuthLogImport>;
