import { lookup } from 'node:dns/promises';
import { connect, rootCertificates } from 'node:tls';
import type { Diagnostic } from '../../shared/api/mfa.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import type { ProviderRuntime } from '../mfa/provider-runtime.ts';
import { CLOCK_TOLERANCE_SECONDS } from '../mfa/providers/duo/duo-health.ts';
import type { ApplicationUrlService } from './application-url.ts';

const CHECK_TIMEOUT_MS = 5000;
const CERT_WARN_DAYS = 14;

interface CertificateReport {
  valid: boolean;
  error: string | null;
  validTo: string | null;
  issuer: string | null;
}

/** Opens a TLS connection the way a browser would (verification on) and reports the certificate. */
function inspectCertificate(host: string, port: number, extraCaPem: string | undefined): Promise<CertificateReport> {
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      servername: host,
      ca: extraCaPem ? [...rootCertificates, extraCaPem] : undefined,
      rejectUnauthorized: false,
      timeout: CHECK_TIMEOUT_MS,
    });
    const finish = (report: CertificateReport) => {
      socket.destroy();
      resolve(report);
    };
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      const issuer = certificate?.issuer ? (certificate.issuer.O ?? certificate.issuer.CN ?? null) : null;
      finish({
        valid: socket.authorized,
        error: socket.authorized ? null : String(socket.authorizationError ?? 'certificate not trusted'),
        validTo: certificate?.valid_to ?? null,
        issuer: typeof issuer === 'string' ? issuer : null,
      });
    });
    socket.once('timeout', () =>
      finish({ valid: false, error: `no TLS answer within ${CHECK_TIMEOUT_MS / 1000} s`, validTo: null, issuer: null }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ valid: false, error: error.code ?? error.message, validTo: null, issuer: null }),
    );
  });
}

/**
 * Settings > System > Diagnostics: what the seed's cautions ask for, each with a pass/fail and a fix —
 * the Application URL resolves in DNS, serves a valid certificate, Duo is reachable directly (proxies
 * are not supported), and this server's clock agrees with Duo's.
 */
export function createDiagnostics(deps: {
  storage: Storage;
  applicationUrl: ApplicationUrlService;
  runtime: ProviderRuntime;
  proxyVariables: string[];
  production: boolean;
  extraCaPem: string | undefined;
  clock: () => number;
}) {
  async function applicationUrlChecks(): Promise<Diagnostic[]> {
    const state = await deps.applicationUrl.current();
    if (!state.url) {
      return [
        {
          id: 'application_url',
          label: 'Application URL',
          status: 'fail',
          message: state.problem ?? 'The Application URL is not set.',
          fix: 'Set it under Settings > System (or PORTCULLIS_PUBLIC_URL) to the https:// address users reach Portcullis at, by its DNS name.',
        },
        { id: 'dns', label: 'DNS', status: 'skipped', message: 'Needs a valid Application URL.', fix: null },
        {
          id: 'certificate',
          label: 'Certificate',
          status: 'skipped',
          message: 'Needs a valid Application URL.',
          fix: null,
        },
      ];
    }
    const url = new URL(state.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const checks: Diagnostic[] = [
      {
        id: 'application_url',
        label: 'Application URL',
        status: 'pass',
        message: `${state.url} (${state.source === 'environment' ? 'from PORTCULLIS_PUBLIC_URL' : 'from Settings'})`,
        fix: null,
      },
    ];
    try {
      const addresses = await lookup(host, { all: true });
      checks.push({
        id: 'dns',
        label: 'DNS',
        status: 'pass',
        message: `${host} resolves to ${addresses.map((entry) => entry.address).join(', ')}.`,
        fix: null,
      });
    } catch (error) {
      checks.push({
        id: 'dns',
        label: 'DNS',
        status: 'fail',
        message: `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        fix: `Create a DNS record for ${host} pointing at this server or its load balancer.`,
      });
      checks.push({
        id: 'certificate',
        label: 'Certificate',
        status: 'skipped',
        message: 'Needs the name to resolve.',
        fix: null,
      });
      return checks;
    }
    if (url.protocol !== 'https:') {
      checks.push({
        id: 'certificate',
        label: 'Certificate',
        status: deps.production ? 'fail' : 'warn',
        message: 'The Application URL is http://, so no certificate is served.',
        fix: 'Serve Portcullis over HTTPS (PORTCULLIS_TLS_CERT/KEY or a TLS proxy) with a certificate for this name, and use https://.',
      });
      return checks;
    }
    const report = await inspectCertificate(host, Number(url.port || 443), deps.extraCaPem);
    if (!report.valid) {
      checks.push({
        id: 'certificate',
        label: 'Certificate',
        status: 'fail',
        message: `The certificate served at ${url.host} is not valid: ${report.error}.`,
        fix: `Install a certificate for ${host} from a trusted CA (with its full chain).`,
      });
    } else {
      const daysLeft = report.validTo ? Math.floor((Date.parse(report.validTo) - deps.clock()) / 86_400_000) : null;
      const expiring = daysLeft !== null && daysLeft < CERT_WARN_DAYS;
      checks.push({
        id: 'certificate',
        label: 'Certificate',
        status: expiring ? 'warn' : 'pass',
        message: `Valid certificate for ${host}${report.issuer ? ` from ${report.issuer}` : ''}${daysLeft !== null ? `, ${daysLeft} days left` : ''}.`,
        fix: expiring ? 'Renew the certificate soon.' : null,
      });
    }
    return checks;
  }

  async function providerChecks(): Promise<Diagnostic[]> {
    const providers = (await createRepos(deps.storage.db).providers.all()).filter((provider) => provider.enabled);
    const checks: Diagnostic[] = [];
    if (deps.proxyVariables.length > 0) {
      checks.push({
        id: 'proxy',
        label: 'Proxy',
        status: 'warn',
        message: `${deps.proxyVariables.join(', ')} ${deps.proxyVariables.length > 1 ? 'are' : 'is'} set, but Portcullis connects to Duo directly: proxies are not supported.`,
        fix: 'Allow this server a direct HTTPS connection to Duo (api-*.duosecurity.com, port 443).',
      });
    }
    if (providers.length === 0) {
      checks.push({
        id: 'duo_reachable',
        label: 'Duo reachable',
        status: 'skipped',
        message: 'No enabled MFA provider to check.',
        fix: null,
      });
      return checks;
    }
    for (const record of providers) {
      let check: Awaited<ReturnType<ReturnType<ProviderRuntime['instanceFor']>['healthCheck']>>;
      try {
        check = await deps.runtime.instanceFor(record).healthCheck();
      } catch {
        checks.push({
          id: `duo_reachable:${record.id}`,
          label: `${record.name}: reachable`,
          status: 'fail',
          message: 'Its stored secret cannot be opened.',
          fix: 'Enter the Client Secret again under Settings > MFA > Providers.',
        });
        continue;
      }
      const reachable = check.status !== 'unreachable';
      checks.push({
        id: `duo_reachable:${record.id}`,
        label: `${record.name}: reachable directly`,
        status: reachable ? (check.status === 'ok' || check.status === 'clock_skew' ? 'pass' : 'fail') : 'fail',
        message:
          reachable && check.status !== 'error' && check.status !== 'invalid_credentials'
            ? 'Duo answered the health check directly.'
            : check.message,
        fix: check.status === 'ok' || check.status === 'clock_skew' ? null : check.hint,
      });
      if (check.skewSeconds !== null) {
        const skew = Math.round(check.skewSeconds);
        const ok = Math.abs(skew) <= CLOCK_TOLERANCE_SECONDS;
        checks.push({
          id: `clock:${record.id}`,
          label: `${record.name}: clock`,
          status: ok ? (Math.abs(skew) > 5 ? 'warn' : 'pass') : 'fail',
          message: `This server's clock is ${Math.abs(skew)} s ${skew >= 0 ? 'behind' : 'ahead of'} Duo's.`,
          fix:
            ok && Math.abs(skew) <= 5
              ? null
              : 'Synchronise this server with NTP: Duo refuses tokens more than 60 s off.',
        });
      } else {
        checks.push({
          id: `clock:${record.id}`,
          label: `${record.name}: clock`,
          status: 'skipped',
          message: 'Duo did not answer, so its clock is unknown.',
          fix: null,
        });
      }
    }
    return checks;
  }

  return {
    async run(): Promise<Diagnostic[]> {
      const [urlChecks, duoChecks] = await Promise.all([applicationUrlChecks(), providerChecks()]);
      return [...urlChecks, ...duoChecks];
    },
  };
}
