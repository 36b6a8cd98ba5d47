import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import type { AuditContext } from '../server/audit/events.ts';
import { ConfigError } from '../server/config/config.ts';
import { CanaryError } from '../server/crypto/canary.ts';
import { MasterKeyError } from '../server/crypto/master-keys.ts';
import { isStorageUnavailable } from '../server/db/errors.ts';
import { MigrationError } from '../server/db/migrate.ts';
import { AppError } from '../server/errors/catalogue.ts';

/** Exit codes scripts can rely on (sysexits.h where one fits). Documented in docs/cli.md. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  DATA: 65, // EX_DATAERR: the input was refused (validation, not found, conflict)
  UNAVAILABLE: 69, // EX_UNAVAILABLE: the database (or Duo) could not be reached
  SOFTWARE: 70,
  CONFIG: 78, // EX_CONFIG: bad configuration, master key or migration state
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Maps any error to one line on stderr and an exit code. */
export function reportError(error: unknown): number {
  const say = (line: string) => process.stderr.write(`portcullis: ${line}\n`);
  if (error instanceof CliError) {
    say(error.message);
    return error.exitCode;
  }
  if (error instanceof ConfigError) {
    say(`configuration error: ${error.message}`);
    return EXIT.CONFIG;
  }
  if (error instanceof MasterKeyError || error instanceof CanaryError) {
    say(`master key problem: ${error.message}`);
    return EXIT.CONFIG;
  }
  if (error instanceof MigrationError) {
    say(`database migration failed, nothing was started: ${error.message}`);
    return EXIT.CONFIG;
  }
  if (error instanceof AppError) {
    const fields = error.options.fields
      ? Object.entries(error.options.fields).map(([field, message]) => `${field}: ${message}`)
      : [];
    say([error.message, ...fields].join(' '));
    return error.status >= 500 ? EXIT.UNAVAILABLE : EXIT.DATA;
  }
  if (isStorageUnavailable(error)) {
    say(`cannot reach the database: ${(error as Error).message}`);
    return EXIT.UNAVAILABLE;
  }
  say(`unexpected error: ${(error as Error)?.message ?? String(error)}`);
  return EXIT.SOFTWARE;
}

export function cliAuditContext(): AuditContext {
  let osUser = 'unknown';
  try {
    osUser = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return { actor: null, ip: null, userAgent: `portcullis-cli (os user ${osUser})`, requestId: null };
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function promptHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (text: string) => void };
  let prompting = true;
  output._writeToOutput = (text: string) => {
    if (!prompting || text.includes(question)) process.stderr.write(text.includes(question) ? question : text);
  };
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  prompting = false;
  rl.close();
  process.stderr.write('\n');
  return answer;
}

/**
 * Passwords never come from argv (visible in `ps` and shell history): from a file, from piped stdin
 * (one line), or typed at a hidden prompt twice.
 */
export async function readPassword(options: { passwordFile?: string }): Promise<string> {
  if (options.passwordFile) {
    try {
      return readFileSync(options.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new CliError(
        `cannot read password file ${options.passwordFile} (${(error as NodeJS.ErrnoException).code})`,
        EXIT.DATA,
      );
    }
  }
  if (!process.stdin.isTTY) {
    const input = (await readAllStdin()).replace(/\r?\n$/, '');
    if (!input) throw new CliError('no password on stdin; pipe one in or use --password-file', EXIT.USAGE);
    return input;
  }
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw new CliError('the passwords do not match', EXIT.DATA);
  return first;
}

export function printTable(rows: Array<Record<string, string>>, columns: string[]): void {
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns.map((column) => column.toUpperCase()))}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((column) => row[column] ?? ''))}\n`);
}

/** One line per diagnostic, as `doctor` and `application-url check` print them. */
export function printDiagnostics(
  checks: ReadonlyArray<{
    status: 'pass' | 'warn' | 'fail' | 'skipped';
    label: string;
    message: string;
    fix: string | null;
  }>,
  options: { failLabel?: string } = {},
): void {
  const symbol = { pass: 'ok  ', warn: 'warn', fail: options.failLabel ?? 'FAIL', skipped: '--  ' } as const;
  for (const check of checks) {
    process.stdout.write(
      `${symbol[check.status]}  ${check.label}: ${check.message}${check.fix && check.status !== 'pass' ? ` — ${check.fix}` : ''}\n`,
    );
  }
}
