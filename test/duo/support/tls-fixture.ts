/**
 * Throwaway certificates from the pure-Node test PKI (test/helpers/test-pki.ts), for transport tests
 * that need what the Duo emulator cannot give (an expired, mis-named or foreign certificate). No
 * child processes or temp files. Nothing here imitates Duo.
 */
import { createTestCa, type TestCertificate } from '../../helpers/test-pki.ts';

export interface TlsFixture {
  caPem: string;
  /** SAN localhost + 127.0.0.1, valid now. */
  good: TestCertificate;
  /** Same names, valid only in 2019–2020. */
  expired: TestCertificate;
  /** Valid now, but only for duo.test. */
  wrongName: TestCertificate;
  /** Another CA's certificate for localhost: untrusted even with caPem. */
  foreign: TestCertificate;
  /** Nothing to release any more; kept so callers need not change. */
  cleanup(): void;
}

export function createTlsFixture(): TlsFixture {
  const ca = createTestCa('Portcullis transport test CA');
  const otherCa = createTestCa('Portcullis unrelated test CA');
  const hosts = ['localhost', '127.0.0.1'];
  return {
    caPem: ca.caPem,
    good: ca.issue({ hosts }),
    expired: ca.issue({
      hosts,
      notBefore: new Date('2019-01-01T00:00:00Z'),
      notAfter: new Date('2020-12-31T23:59:59Z'),
    }),
    wrongName: ca.issue({ hosts: ['duo.test'] }),
    foreign: otherCa.issue({ hosts }),
    cleanup: () => {},
  };
}
