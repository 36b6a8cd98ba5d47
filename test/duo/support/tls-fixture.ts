/**
 * Throwaway certificates made with the openssl CLI, for transport tests that need what the Duo
 * emulator cannot give (an expired or mis-named certificate). Nothing here imitates Duo.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsFixture {
  caPem: string;
  /** SAN localhost + 127.0.0.1, valid now. */
  good: { cert: string; key: string };
  /** Same names, expired in 2020. */
  expired: { cert: string; key: string };
  /** Valid now, but only for duo.test. */
  wrongName: { cert: string; key: string };
  /** Another CA's certificate for localhost: untrusted even with caPem. */
  foreign: { cert: string; key: string };
  cleanup(): void;
}

export function createTlsFixture(): TlsFixture {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-duo-tls-'));
  const run = (args: string[], env?: Record<string, string>) =>
    execFileSync(args[0] as string, args.slice(1), { cwd: dir, stdio: 'pipe', env: { ...process.env, ...env } });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const makeCa = (name: string) =>
    run([
      'openssl',
      'req',
      '-x509',
      ...ec,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '30',
      '-subj',
      `/CN=${name}`,
    ]);
  makeCa('ca');
  makeCa('other-ca');
  run(['openssl', 'req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  const issue = (out: string, san: string, ca = 'ca', faketime?: string) => {
    writeFileSync(
      join(dir, `${out}.cnf`),
      `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
    );
    const args = ['openssl', 'x509', '-req', '-in', 'server.csr', '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`];
    const full = [...args, '-CAcreateserial', '-out', `${out}.pem`, '-days', '2', '-extfile', `${out}.cnf`];
    run(faketime ? ['faketime', faketime, ...full] : full);
  };
  issue('good', 'DNS:localhost,IP:127.0.0.1');
  issue('expired', 'DNS:localhost,IP:127.0.0.1', 'ca', '2020-01-01 00:00:00');
  issue('wrong-name', 'DNS:duo.test');
  issue('foreign', 'DNS:localhost,IP:127.0.0.1', 'other-ca');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const key = read('server.key');
  return {
    caPem: read('ca.pem'),
    good: { cert: read('good.pem'), key },
    expired: { cert: read('expired.pem'), key },
    wrongName: { cert: read('wrong-name.pem'), key },
    foreign: { cert: read('foreign.pem'), key },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
