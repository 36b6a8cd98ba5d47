/**
 * What the optional Admin API application adds to a Duo provider (ADR 0020): the user's status before
 * the trip to Duo, removing their phones, and the live check of the keys on save. Each answer is a
 * value, never an exception: the sign-in core must go on when the Admin API is down.
 */
import { createDuoAdminClient, type DuoAdminClient, type DuoAdminPhone } from '../../../duo/admin-api/index.ts';
import { DuoError } from '../../../duo/index.ts';
import type {
  DeviceSummary,
  ForgetDevicesResult,
  HealthResult,
  OptionalSettingsCheck,
  PrecheckResult,
  ProviderContext,
  RedirectProvider,
} from '../../provider-type.ts';
import { healthFromError } from './duo-health.ts';
import type { DuoSettings } from './duo-settings.ts';

export type DuoAdminFeatures = Required<
  Pick<RedirectProvider, 'precheck' | 'forgetDevices' | 'checkOptionalSettings'>
> & {
  close(): Promise<void>;
};

/** A name no Duo account is expected to hold: looking it up proves the keys and "Grant read resource". */
const PROBE_USERNAME = 'portcullis-admin-api-check';
const FIVE_MINUTES_MS = 5 * 60_000;

export const adminApiConfigured = (config: Record<string, string>): boolean => config.adminApi === 'yes';

/** The Admin API client of a record whose settings tick "Use the Duo Admin API"; throws a DuoError for unusable ones. */
export function duoAdminClientFor(
  config: Record<string, string>,
  secrets: Record<string, string>,
  context: Pick<ProviderContext, 'allowCustomHosts' | 'now'>,
  settings: DuoSettings,
): DuoAdminClient {
  return createDuoAdminClient(
    {
      integrationKey: config.adminIntegrationKey ?? '',
      secretKey: secrets.adminSecretKey ?? '',
      apiHost: config.adminApiHost ?? config.endpoint ?? '',
    },
    {
      allowCustomHosts: context.allowCustomHosts,
      timeoutMs: settings.timeoutMs,
      now: context.now,
      ...(settings.extraCaPem !== undefined && { extraCaPem: settings.extraCaPem }),
    },
  );
}

function describePhone(phone: DuoAdminPhone): DeviceSummary {
  const what = phone.model || phone.name || 'Phone';
  const digits = phone.number.replace(/\D/g, '');
  // The last four digits tell the lost phone from the others; the whole number is not needed in the audit log.
  const details = [phone.platform, phone.type, digits.length >= 4 ? `number ending ${digits.slice(-4)}` : ''];
  const shown = details.filter(Boolean).join(', ');
  return { id: phone.phoneId, description: shown ? `${what} (${shown})` : what };
}

const reasonOf = (error: unknown): string =>
  error instanceof DuoError ? (error.cause ? `${error.kind}:${error.cause}` : error.kind) : 'error';
const messageOf = (error: unknown): string =>
  error instanceof DuoError ? error.message : 'The Duo Admin API call failed unexpectedly.';
const isOutageError = (error: unknown): boolean =>
  error instanceof DuoError && ['unreachable', 'timeout', 'tls', 'server_error', 'rate_limited'].includes(error.kind);

/** Duo's answer to the keys, as the field it shows to be wrong, or as a check like the main one. */
function keysProblem(error: unknown, now: number, proxyVariables: string[]): OptionalSettingsCheck {
  if (error instanceof DuoError && error.kind === 'invalid_credentials') {
    if (error.duoCode === 40102)
      return {
        ok: false,
        fields: {
          adminIntegrationKey:
            "Duo does not know this integration key. Copy it again from the Admin API application's page (Applications › your Admin API application).",
        },
      };
    if (error.duoCode === 40103)
      return {
        ok: false,
        fields: {
          adminSecretKey:
            'Duo refused the signature: this secret key does not belong to that integration key. Copy the secret key again from the same Admin API application.',
        },
      };
    if (error.duoCode !== 40105) {
      const both =
        'Duo refused the Admin API integration key or secret key. Copy both again from the Admin API application.';
      return { ok: false, fields: { adminIntegrationKey: both, adminSecretKey: both } };
    }
    const check: HealthResult = {
      status: 'clock_skew',
      message: "Duo refused the Admin API request's date: this server's clock is off.",
      hint: 'Synchronise this server with NTP, then save again. The Admin API keys may well be right.',
      cause: 'clock',
      skewSeconds: null,
      outage: false,
      checkedAt: now,
    };
    return { ok: false, check };
  }
  if (error instanceof DuoError && error.kind === 'permission_denied') {
    // Duo's own words, e.g. "Access forbidden: The application needs "Grant read log".".
    const said = /\((.*)\)\.$/.exec(error.message)?.[1]?.replace(/\.$/, '') ?? 'Access forbidden';
    return {
      ok: false,
      fields: {
        adminIntegrationKey: `Duo refused the call (${said}). Use the keys of an Admin API application with "Grant read resource" and "Grant read log" (and "Grant write resource" to remove phones).`,
      },
    };
  }
  const check = healthFromError(error, now, proxyVariables);
  return {
    ok: false,
    check: {
      ...check,
      message: check.message.replace(/^Duo could not be reached/, "Duo's Admin API could not be reached"),
    },
  };
}

/** The Admin API side of a Duo provider instance, or null when its settings do not use it. */
export function createDuoAdminFeatures(
  config: Record<string, string>,
  secrets: Record<string, string>,
  context: ProviderContext,
  settings: DuoSettings,
): DuoAdminFeatures | null {
  if (!adminApiConfigured(config)) return null;
  let client: DuoAdminClient | null = null;
  let unusable: unknown = null;
  try {
    client = duoAdminClientFor(config, secrets, context, settings);
  } catch (error) {
    unusable = error;
  }

  return {
    async precheck(subject): Promise<PrecheckResult> {
      if (!client) return { status: 'skipped', cause: reasonOf(unusable), message: messageOf(unusable) };
      try {
        const user = await client.findUser(subject);
        if (!user) return { status: 'not_enrolled' };
        switch (user.status) {
          case 'active':
            return { status: user.isEnrolled ? 'active' : 'not_enrolled' };
          case 'bypass':
            return { status: 'bypass' };
          case 'locked_out':
            return { status: 'locked_out' };
          case 'disabled':
          case 'pending_deletion':
            return { status: 'disabled' };
        }
      } catch (error) {
        return { status: 'skipped', cause: reasonOf(error), message: messageOf(error) };
      }
    },

    async forgetDevices(subject): Promise<ForgetDevicesResult> {
      const failed = (error: unknown, removed: DeviceSummary[]): ForgetDevicesResult => ({
        ok: false,
        removed,
        message: messageOf(error),
        hint: error instanceof DuoError ? error.hint : 'see the server log',
        outage: isOutageError(error),
      });
      if (!client) return failed(unusable, []);
      let user: Awaited<ReturnType<DuoAdminClient['findUser']>>;
      try {
        user = await client.findUser(subject);
      } catch (error) {
        return failed(error, []);
      }
      if (!user) return { ok: true, known: false, removed: [] };
      const removed: DeviceSummary[] = [];
      for (const phone of user.phones) {
        try {
          await client.deletePhone(phone.phoneId);
        } catch (error) {
          // Removed meanwhile (in the Duo Admin Panel, or by another administrator): the goal is met.
          if (error instanceof DuoError && error.kind === 'not_found') continue;
          return failed(error, removed);
        }
        removed.push(describePhone(phone));
      }
      return { ok: true, known: true, removed };
    },

    async checkOptionalSettings(): Promise<OptionalSettingsCheck> {
      if (!client) return keysProblem(unusable, context.now(), settings.proxyVariables);
      try {
        await client.findUser(PROBE_USERNAME);
        // The log import needs "Grant read log": a one-entry read of a window Duo has settled.
        const now = context.now();
        await client.readAuthenticationLog({
          mintimeMs: now - 2 * FIVE_MINUTES_MS,
          maxtimeMs: now - FIVE_MINUTES_MS,
          limit: 10,
          maxPages: 1,
        });
        return { ok: true };
      } catch (error) {
        return keysProblem(error, context.now(), settings.proxyVariables);
      }
    },

    close: async () => {
      await client?.close();
    },
  };
}
