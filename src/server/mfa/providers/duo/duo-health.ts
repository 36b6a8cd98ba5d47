import { DuoError, type DuoHealth, isOutage } from '../../../duo/index.ts';
import type { HealthResult } from '../../provider-type.ts';

/** Duo tolerates 60 s between clocks (id_token leeway); beyond that, sign-ins fail. */
export const CLOCK_TOLERANCE_SECONDS = 60;

const PROXY_HINT = (variables: string[]) =>
  `${variables.join(', ')} ${variables.length > 1 ? 'are' : 'is'} set, but Portcullis connects to Duo directly (proxies are not supported): allow this server a direct HTTPS connection to Duo.`;

function describeSkew(skew: number): string {
  const seconds = Math.round(Math.abs(skew));
  return `this server's clock is ${seconds} seconds ${skew > 0 ? 'behind' : 'ahead of'} Duo's`;
}

export function healthFromSuccess(health: DuoHealth, checkedAt: number): HealthResult {
  if (Math.abs(health.skewSeconds) > CLOCK_TOLERANCE_SECONDS) {
    return {
      status: 'clock_skew',
      message: `Duo answered, but ${describeSkew(health.skewSeconds)}.`,
      hint: 'Synchronise this server with NTP: Duo refuses tokens more than 60 seconds off, so sign-ins would fail.',
      cause: 'clock',
      skewSeconds: health.skewSeconds,
      outage: false,
      checkedAt,
    };
  }
  return {
    status: 'ok',
    message: 'Connected: Duo accepted the Client ID and Client Secret.',
    hint: null,
    cause: null,
    skewSeconds: health.skewSeconds,
    outage: false,
    checkedAt,
  };
}

/**
 * Maps the client's error to one of the answers an administrator acts on: invalid credentials,
 * clock skew, unreachable (with its cause), or another error.
 */
export function healthFromError(error: unknown, checkedAt: number, proxyVariables: string[]): HealthResult {
  if (!(error instanceof DuoError)) {
    return {
      status: 'error',
      message: 'The connection test failed unexpectedly.',
      hint: 'See the server log for details.',
      cause: null,
      skewSeconds: null,
      outage: false,
      checkedAt,
    };
  }
  const outage = isOutage(error);
  if (error.kind === 'invalid_credentials') {
    const skew = error.duoTime === undefined ? null : error.duoTime - Math.floor(checkedAt / 1000);
    if (skew !== null && Math.abs(skew) > CLOCK_TOLERANCE_SECONDS) {
      return {
        status: 'clock_skew',
        message: `Duo refused the request because the clocks disagree: ${describeSkew(skew)}.`,
        hint: 'Synchronise this server with NTP, then test again. The Client ID and Client Secret may well be right.',
        cause: 'clock',
        skewSeconds: skew,
        outage: false,
        checkedAt,
      };
    }
    return {
      status: 'invalid_credentials',
      message: 'Duo refused the Client ID or Client Secret (invalid_client).',
      hint: "Copy both again from the Duo Admin Panel (Applications > your Web SDK application). If they are right, check this server's clock.",
      cause: 'invalid_client',
      skewSeconds: skew,
      outage: false,
      checkedAt,
    };
  }
  if (error.kind === 'rate_limited') {
    // Duo answered: it is up, only refusing this application for now. Not "unreachable", and never an
    // outage, so a fail-open provider keeps asking for MFA (a flood of sign-ins could provoke a 429).
    return {
      status: 'error',
      message: error.message,
      hint: 'Duo is rate limiting this application: wait a few minutes, then try again. If it persists, check for unusual sign-in volume in the audit log.',
      cause: 'http_429',
      skewSeconds: null,
      outage: false,
      checkedAt,
    };
  }
  const network = ['unreachable', 'timeout', 'tls', 'server_error'].includes(error.kind);
  if (network) {
    const proxyInTheWay = proxyVariables.length > 0 && (error.kind === 'unreachable' || error.kind === 'timeout');
    const cause = proxyInTheWay
      ? 'proxy'
      : error.kind === 'timeout'
        ? 'timeout'
        : error.kind === 'tls'
          ? 'tls'
          : (error.cause ?? error.kind);
    return {
      status: 'unreachable',
      message: `Duo could not be reached: ${error.message}`,
      hint: proxyInTheWay ? PROXY_HINT(proxyVariables) : error.hint,
      cause,
      skewSeconds: null,
      outage,
      checkedAt,
    };
  }
  return {
    status: 'error',
    message: error.message,
    hint: error.hint,
    cause: error.cause ?? error.kind,
    skewSeconds: null,
    outage,
    checkedAt,
  };
}
