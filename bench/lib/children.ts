import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { onCleanup } from './cleanup.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The V8 flags package.json's start script gives node (`node <flags> bin/portcullis.mjs serve`): the
 * benchmarks run the portal as `npm start` and the systemd unit do, without npm in between.
 */
export function npmStartFlags(): string[] {
  const { start } = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } })
    .scripts;
  const match = /^node((?: --\S+)*) bin\/portcullis\.mjs serve$/.exec(start);
  if (!match) throw new Error(`package.json "start" is not "node [flags] bin/portcullis.mjs serve": ${start}`);
  return (match[1] ?? '').trim().split(' ').filter(Boolean);
}

/** Our environment minus any PORTCULLIS_* setting, so the caller's shell cannot change what is measured. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PORTCULLIS_')));
  return { ...inherited, ...env };
}

export interface Child {
  pid: number;
  /** The first match of the ready pattern on stdout. */
  ready: RegExpExecArray;
  /** The last few KB of stdout and stderr, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

function keepTail(limit = 8192) {
  let text = '';
  return {
    add(chunk: Buffer) {
      text = (text + chunk.toString('utf8')).slice(-limit);
    },
    get: () => text,
  };
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `node <script> ...args` from the project root and waits for `readyPattern` on stdout. The
 * child is registered for cleanup (SIGTERM, then SIGKILL) before anything else can go wrong.
 */
export async function startNode(
  label: string,
  args: string[],
  env: Record<string, string>,
  readyPattern: RegExp,
  timeoutMs = 60_000,
): Promise<Child> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = onCleanup(
    `stop ${label}`,
    () => terminate(child),
    () => child.kill('SIGKILL'),
  );
  const tail = keepTail();
  child.stderr?.on('data', tail.add);
  try {
    const ready = await new Promise<RegExpExecArray>((resolveReady, reject) => {
      let seen = '';
      let matched = false;
      const timer = setTimeout(() => reject(new Error(`${label} did not start in ${timeoutMs} ms`)), timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => {
        tail.add(chunk);
        if (matched) return; // later output only feeds the tail
        seen += chunk.toString('utf8');
        const match = readyPattern.exec(seen);
        if (match) {
          matched = true;
          clearTimeout(timer);
          resolveReady(match);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited (${signal ?? code}) before it was ready:\n${tail.get()}`));
      });
      child.once('error', reject);
    });
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL')
        process.stderr.write(`bench: ${label} exited unexpectedly (${signal ?? code}):\n${tail.get()}\n`);
    });
    return { pid: child.pid as number, ready, tail: tail.get, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs a `portcullis` CLI command to completion (stdin optional); throws with its stderr on failure. */
export async function runCli(args: string[], env: Record<string, string>, stdin?: string): Promise<string> {
  const child = spawn(process.execPath, ['bin/portcullis.mjs', ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stop = onCleanup(
    `cli ${args.slice(0, 2).join(' ')}`,
    () => terminate(child),
    () => child.kill('SIGKILL'),
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  child.stdin.end(stdin ?? '');
  const [code] = (await once(child, 'exit')) as [number | null];
  await stop();
  if (code !== 0) throw new Error(`portcullis ${args.join(' ')} failed (${code}): ${err.trim() || out.trim()}`);
  return out;
}
