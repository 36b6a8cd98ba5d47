/**
 * A throwaway PKI for tests, in pure Node (no external binaries): one CA per createTestCa() call, issuing
 * EC P-256 TLS server certificates with any names and any validity window, past ones included.
 * Built on the Duo emulator's X.509 issuer; "another CA" is just another createTestCa().
 */
import { issueCertificate } from '../../emulator/duo/x509.ts';

const DAY_MS = 86_400_000;

export interface TestCertificate {
  /** PEM certificate (leaf only) and its PKCS#8 PEM key, as node:tls / node:https options take them. */
  cert: string;
  key: string;
}

export interface TestCa {
  caPem: string;
  /** A server certificate for `hosts` (DNS names and IP addresses); valid from a day ago for two days by default. */
  issue(options: { hosts: readonly string[]; notBefore?: Date; notAfter?: Date }): TestCertificate;
}

export function createTestCa(name = 'Portcullis test CA'): TestCa {
  // Valid long before and after any certificate a test issues, so only the leaf's own dates ever matter.
  const ca = issueCertificate({
    commonName: name,
    isCa: true,
    notBefore: new Date('2000-01-01T00:00:00Z'),
    notAfter: new Date(Date.now() + 3650 * DAY_MS),
  });
  return {
    caPem: ca.certPem,
    issue({ hosts, notBefore = new Date(Date.now() - DAY_MS), notAfter = new Date(notBefore.getTime() + 2 * DAY_MS) }) {
      const leaf = issueCertificate({
        commonName: hosts[0] ?? 'localhost',
        hosts,
        notBefore,
        notAfter,
        issuer: ca.asIssuer,
      });
      return { cert: leaf.certPem, key: leaf.keyPem };
    },
  };
}
