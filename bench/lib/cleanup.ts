import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything the benchmark creates (child processes, temp folders, PostgreSQL databases) registers
 * how to undo it here, so a failure or Ctrl+C still leaves nothing behind.
 */
type Task = { name: string; run: () => Promise<void> | void; sync?: () => void };

const tasks: Task[] = [];
let running: Promise<void> | null = null;
let interrupted = false;

/** True once Ctrl+C (or SIGTERM) arrived: errors after that are the interruption's, not worth a stack. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/** Registers an undo step; returns a function that runs it now (and unregisters it). */
export function onCleanup(name: string, run: () => Promise<void> | void, sync?: () => void): () => Promise<void> {
  const task: Task = { name, run, ...(sync && { sync }) };
  tasks.push(task);
  return async () => {
    const index = tasks.indexOf(task);
    if (index < 0) return;
    tasks.splice(index, 1);
    await task.run();
  };
}

/**
 * Runs every registered step, newest first; a failing step is reported and the rest still run. Callers
 * at the same time share one pass; a later call (after the next benchmark) starts a new one.
 */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (tasks.length > 0) {
      const task = tasks.pop() as Task;
      try {
        await task.run();
      } catch (error) {
        process.stderr.write(`bench: cleanup "${task.name}" failed: ${(error as Error).message}\n`);
      }
    }
  })().finally(() => {
    running = null;
  });
  return running;
}

/** Ctrl+C / SIGTERM: clean up, then exit with the conventional code. Exit: last-chance synchronous undo. */
export function installSignalHandlers(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      interrupted = true;
      process.stderr.write(`\nbench: ${signal} received, cleaning up…\n`);
      const force = setTimeout(() => process.exit(code), 15_000);
      force.unref();
      cleanupAll().finally(() => process.exit(code));
    });
  }
  process.once('exit', () => {
    for (const task of tasks.splice(0).reverse()) {
      try {
        task.sync?.();
      } catch {
        // best effort on the way out
      }
    }
  });
}

/** A new folder under $TMPDIR (`<prefix>-XXXXXX`), removed at cleanup, also on Ctrl+C. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  onCleanup(`remove ${dir}`, remove, remove);
  return dir;
}
