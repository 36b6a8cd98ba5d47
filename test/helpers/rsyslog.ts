/**
 * A real rsyslog (Debian's rsyslogd) for tests: its own config file, `imtcp` on a free loopback port
 * (optionally TLS with the openssl stream driver, from the `rsyslog-openssl` package), every message
 * written to a file the test reads, one line each. Stop and start it again on the same port to play a
 * receiver outage.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../setup/test-postgres.ts';

export interface SyslogLine {
  pri: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: string;
  /** The MSG part, parsed as the JSON payload. */
  event: { id: number; type: string; test?: boolean; [key: string]: unknown };
}

export interface Rsyslog {
  port: number;
  lines(): SyslogLine[];
  /** Polls the output file until `done(lines)` or the timeout. */
  waitFor(done: (lines: SyslogLine[]) => boolean, timeoutMs?: number): Promise<SyslogLine[]>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export async function startRsyslog(
  options: { tls?: { cert: string; key: string; caPem: string } } = {},
): Promise<Rsyslog> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-rsyslog-'));
  const port = await freePort();
  const out = join(dir, 'messages.log');
  writeFileSync(out, '');
  const tls = options.tls;
  if (tls) {
    writeFileSync(join(dir, 'ca.pem'), tls.caPem);
    writeFileSync(join(dir, 'cert.pem'), tls.cert);
    writeFileSync(join(dir, 'key.pem'), tls.key, { mode: 0o600 });
  }
  const config = [
    `global(workDirectory="${dir}" maxMessageSize="64k"${
      tls
        ? ` defaultNetstreamDriver="ossl" defaultNetstreamDriverCAFile="${dir}/ca.pem" defaultNetstreamDriverCertFile="${dir}/cert.pem" defaultNetstreamDriverKeyFile="${dir}/key.pem"`
        : ''
    })`,
    tls
      ? 'module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon")'
      : 'module(load="imtcp")',
    `input(type="imtcp" port="${port}" address="127.0.0.1" ruleset="capture")`,
    // Tab-separated: the JSON in MSG escapes any tab of its own.
    'template(name="fields" type="string" string="%pri%\\t%timereported:::date-rfc3339%\\t%hostname%\\t%app-name%\\t%procid%\\t%msgid%\\t%structured-data%\\t%msg%\\n")',
    `ruleset(name="capture") { action(type="omfile" file="${out}" template="fields" asyncWriting="off" flushOnTXEnd="on") }`,
    '',
  ].join('\n');
  const configFile = join(dir, 'rsyslog.conf');
  writeFileSync(configFile, config);

  let child: ChildProcess | null = null;
  let stderr = '';
  const start = async () => {
    const next = spawn('/usr/sbin/rsyslogd', ['-n', '-f', configFile, '-i', join(dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    next.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child = next;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (next.exitCode !== null) throw new Error(`rsyslogd exited (${next.exitCode}): ${stderr}`);
      if (await listening(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`rsyslogd did not listen on ${port}: ${stderr}`);
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  const lines = (): SyslogLine[] =>
    readFileSync(out, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => {
        const [pri, timestamp, hostname, appName, procId, msgId, structuredData, ...msg] = line.split('\t');
        return {
          pri: Number(pri),
          timestamp: timestamp ?? '',
          hostname: hostname ?? '',
          appName: appName ?? '',
          procId: procId ?? '',
          msgId: msgId ?? '',
          structuredData: structuredData ?? '',
          event: JSON.parse(msg.join('\t').trim()) as SyslogLine['event'],
        };
      });

  await start();
  return {
    port,
    lines,
    async waitFor(done, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const now = lines();
        if (done(now)) return now;
        if (Date.now() > until) throw new Error(`rsyslog received ${now.length} message(s) only; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
