import { lookup } from 'node:dns/promises';
import { connect, rootCertificates } from 'node:tls';
import type { Diagnostic } from '../../shared/api/mfa.ts';
import { SecretBoxError } from '../crypto/secret-box.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import type { ProviderRuntime } from '../mfa/provider-runtime.ts';
import type { MfaProvider } from '../mfa/provider-type.ts';
import { PROVIDER_TYPES } from '../mfa/registry.ts';
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

/** A provider whose instance cannot be built: say why — a secret that does not open, or its settings. */
function unusableCheck(record: ProviderRecord, error: unknown): Diagnostic {
  const secret = error instanceof SecretBoxError;
  return {
    id: `provider_usable:${record.id}`,
    label: `${record.name}: usable`,
    status: 'fail',
    message: secret
      ? 'Its stored secret cannot be opened (another master key, or altered data).'
      : `Its settings are refused on this node: ${error instanceof Error ? error.message : String(error)}`,
    fix: secret
      ? 'Enter its secret again under Settings > MFA > Providers, or give this node the master key the others use.'
      : 'Run this command with the same environment as the server (PORTCULLIS_ENV, PORTCULLIS_DUO_CA_FILE, …), or correct the provider under Settings > MFA > Providers.',
  };
}

/**
 * Settings > System > Diagnostics: what the seed's cautions ask for, each with a pass/fail and a fix —
 * the Application URL resolves in DNS and serves a valid certificate; then each provider type's own
 * checks (for Duo: reachable directly, proxies not supported, clocks in agreement).
 */
export function createDiagnostics(deps: {
  storage: Storage;
  applicationUrl: ApplicationUrlService;
  runtime: ProviderRuntime;
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

  /** Each provider type checks its own enabled records (Duo: reachable directly, clock). */
  async function providerChecks(): Promise<Diagnostic[]> {
    const records = (await createRepos(deps.storage.db).providers.all()).filter((provider) => provider.enabled);
    const checks: Diagnostic[] = [];
    for (const type of Object.values(PROVIDER_TYPES)) {
      const usable: Array<{ record: ProviderRecord; provider: MfaProvider }> = [];
      for (const record of records.filter((candidate) => candidate.type === type.id)) {
        try {
          usable.push({ record, provider: deps.runtime.instanceFor(record) });
        } catch (error) {
          checks.push(unusableCheck(record, error));
        }
      }
      checks.push(...(await type.diagnose(usable, deps.runtime.settingsOf(type))));
    }
    return checks;
  }

  return {
    async run(): Promise<Diagnostic[]> {
      const [urlChecks, checksOfProviders] = await Promise.all([applicationUrlChecks(), providerChecks()]);
      return [...urlChecks, ...checksOfProviders];
    },
  };
}
