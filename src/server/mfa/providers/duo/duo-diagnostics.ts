import type { Diagnostic } from '../../../../shared/api/mfa.ts';
import type { MfaProvider } from '../../provider-type.ts';
import { CLOCK_TOLERANCE_SECONDS } from './duo-health.ts';
import type { DuoSettings } from './duo-settings.ts';

/**
 * What the seed's cautions ask of a Duo provider: Duo is reachable directly (proxies are not
 * supported) and this server's clock agrees with Duo's.
 */
export async function diagnoseDuo(
  providers: Array<{ record: { id: number; name: string }; provider: MfaProvider }>,
  settings: DuoSettings,
): Promise<Diagnostic[]> {
  const checks: Diagnostic[] = [];
  if (settings.proxyVariables.length > 0) {
    const variables = settings.proxyVariables;
    checks.push({
      id: 'proxy',
      label: 'Proxy',
      status: 'warn',
      message: `${variables.join(', ')} ${variables.length > 1 ? 'are' : 'is'} set, but Portcullis connects to Duo directly: proxies are not supported.`,
      fix: 'Allow this server a direct HTTPS connection to Duo (api-*.duosecurity.com, port 443).',
    });
  }
  if (providers.length === 0) {
    checks.push({
      id: 'duo_reachable',
      label: 'Duo reachable',
      status: 'skipped',
      message: 'No enabled Duo provider to check.',
      fix: null,
    });
    return checks;
  }
  for (const { record, provider } of providers) checks.push(...(await checkOne(record, provider)));
  return checks;
}

async function checkOne(record: { id: number; name: string }, provider: MfaProvider): Promise<Diagnostic[]> {
  const checks: Diagnostic[] = [];
  const check = await provider.healthCheck();
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
  if (check.skewSeconds === null) {
    checks.push({
      id: `clock:${record.id}`,
      label: `${record.name}: clock`,
      status: 'skipped',
      message: 'Duo did not answer, so its clock is unknown.',
      fix: null,
    });
    return checks;
  }
  const skew = Math.round(check.skewSeconds);
  const ok = Math.abs(skew) <= CLOCK_TOLERANCE_SECONDS;
  checks.push({
    id: `clock:${record.id}`,
    label: `${record.name}: clock`,
    status: ok ? (Math.abs(skew) > 5 ? 'warn' : 'pass') : 'fail',
    message: `This server's clock is ${Math.abs(skew)} s ${skew >= 0 ? 'behind' : 'ahead of'} Duo's.`,
    fix: ok && Math.abs(skew) <= 5 ? null : 'Synchronise this server with NTP: Duo refuses tokens more than 60 s off.',
  });
  return checks;
}
