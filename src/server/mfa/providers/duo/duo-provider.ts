import { createDuoClient, DuoError, type DuoErrorKind } from '../../../duo/index.ts';
import type { MfaFailure, ProviderContext, RedirectProvider } from '../../provider-type.ts';
import { createDuoAdminFeatures } from './duo-admin-features.ts';
import { duoAmr } from './duo-amr.ts';
import { healthFromError, healthFromSuccess } from './duo-health.ts';
import type { DuoSettings } from './duo-settings.ts';

/** What a failed code exchange means for the user: Duo said no, or something went wrong. */
function failureOf(error: unknown): MfaFailure {
  if (!(error instanceof DuoError)) return { ok: false, reason: 'error', code: 'MFA_FAILED', message: null };
  const message = `${error.message} ${error.hint}`.slice(0, 500);
  const denied: DuoErrorKind[] = ['denied'];
  const unavailable: DuoErrorKind[] = ['unreachable', 'timeout', 'tls', 'server_error', 'rate_limited'];
  if (denied.includes(error.kind)) return { ok: false, reason: 'denied', code: 'MFA_DENIED', message };
  // Even an outage here fails closed: the user was already sent to Duo (anchors 57, 74).
  if (unavailable.includes(error.kind)) return { ok: false, reason: error.kind, code: 'MFA_UNAVAILABLE', message };
  return { ok: false, reason: error.cause ? `${error.kind}:${error.cause}` : error.kind, code: 'MFA_FAILED', message };
}

export function createDuoProvider(
  config: Record<string, string>,
  secrets: Record<string, string>,
  context: ProviderContext,
  settings: DuoSettings,
): RedirectProvider {
  const client = createDuoClient(
    {
      clientId: config.clientId ?? '',
      clientSecret: secrets.clientSecret ?? '',
      apiHost: config.endpoint ?? '',
      redirectUri: context.redirectUri,
    },
    {
      allowCustomHosts: context.allowCustomHosts,
      timeoutMs: settings.timeoutMs,
      now: context.now,
      ...(settings.extraCaPem !== undefined && { extraCaPem: settings.extraCaPem }),
    },
  );
  // With "Use the Duo Admin API": the pre-check, removing phones and the keys' live check (ADR 0020).
  const admin = createDuoAdminFeatures(config, secrets, context, settings);
  return {
    challenge: 'redirect',
    async healthCheck() {
      try {
        return healthFromSuccess(await client.healthCheck(), context.now());
      } catch (error) {
        return healthFromError(error, context.now(), settings.proxyVariables);
      }
    },
    begin: ({ subject, state, nonce }) => client.createAuthUrl(subject, state, nonce),
    async complete({ code, subject, nonce }) {
      try {
        const result = await client.exchangeCode(code, subject, nonce);
        return {
          ok: true,
          factor: result.factor,
          txid: result.txid,
          device: result.device?.name ?? null,
          authTime: result.authTime,
          amr: duoAmr(result.factor),
        };
      } catch (error) {
        return failureOf(error);
      }
    },
    ...(admin && {
      precheck: admin.precheck,
      forgetDevices: admin.forgetDevices,
      checkOptionalSettings: admin.checkOptionalSettings,
    }),
    close: async () => {
      await Promise.all([client.close(), admin?.close()]);
    },
  };
}
