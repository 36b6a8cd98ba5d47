import { randomUUID } from 'node:crypto';
import type { AuthLogEntry } from './types.ts';

/**
 * Every authentication the emulator decided — allowed, denied, reported as fraud, timed out — as Duo's
 * authentication log keeps them, so GET /admin/v2/logs/authentication has something true to page through.
 * In memory only: a restarted emulator starts a new log, like a fresh Duo account.
 */
export class AuthLog {
  private readonly entries: AuthLogEntry[] = [];

  constructor(private readonly nowMs: () => number) {}

  get all(): ReadonlyArray<AuthLogEntry> {
    return this.entries;
  }

  record(entry: Omit<AuthLogEntry, 'txid' | 'timestamp' | 'isotimestamp'>): AuthLogEntry {
    const ms = this.nowMs();
    const full: AuthLogEntry = {
      txid: randomUUID(),
      timestamp: Math.floor(ms / 1000),
      // Duo writes microseconds and an explicit offset: 2020-08-21T18:25:49.033490+00:00
      isotimestamp: isoMicros(ms),
      ...entry,
    };
    this.entries.push(full);
    return full;
  }

  /** A denial the user then reports as fraud is one log line whose result becomes "fraud". */
  markFraud(txid: string): void {
    const entry = this.entries.find((e) => e.txid === txid);
    if (entry) Object.assign(entry, { result: 'fraud', reason: 'user_marked_fraud' });
  }

  /** Entries with mintime <= timestamp(ms) <= maxtime, oldest first. */
  between(mintimeMs: number, maxtimeMs: number): AuthLogEntry[] {
    return this.entries.filter((e) => e.timestamp * 1000 >= mintimeMs && e.timestamp * 1000 <= maxtimeMs);
  }
}

export const isoMicros = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000+00:00');
