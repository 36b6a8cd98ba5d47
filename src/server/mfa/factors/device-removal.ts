import type { AuditContext, AuditDetails } from '../../audit/events.ts';
import { SecretBoxError } from '../../crypto/secret-box.ts';
import type { Repos } from '../../db/repos/index.ts';
import type { ProviderRecord } from '../../db/repos/providers-repo.ts';
import type { UserFactor } from '../../db/repos/user-factors-repo.ts';
import { AppError } from '../../errors/catalogue.ts';
import type { ProviderRuntime } from '../provider-runtime.ts';
import type { DeviceSummary, RedirectProviderType } from '../provider-type.ts';
import { providerTypeOf } from '../registry.ts';

/** A provider of the user's factors whose type can forget devices (Duo's phones), and the user's name there. */
export interface DeviceProvider {
  record: ProviderRecord;
  type: RedirectProviderType & { devices: NonNullable<RedirectProviderType['devices']> };
  subject: string;
  removable: boolean;
}

/** What one provider removed, for the audit log and the administrator's answer (never a secret). */
export interface DevicesRemoved {
  provider: string;
  subject: string;
  /** False when the provider did not know the user: nothing to remove. */
  known: boolean;
  devices: DeviceSummary[];
}

/** The distinct providers of these factors whose type declares device removal (ADR 0020). */
export async function deviceProvidersOf(
  repos: Repos,
  user: { username: string; email: string },
  factors: UserFactor[],
): Promise<DeviceProvider[]> {
  const ids = [...new Set(factors.flatMap((factor) => (factor.providerId === null ? [] : [factor.providerId])))];
  const found: DeviceProvider[] = [];
  for (const id of ids) {
    const record = await repos.providers.findById(id);
    const type = record ? providerTypeOf(record.type) : undefined;
    if (!record || type?.challenge !== 'redirect' || !type.devices) continue;
    found.push({
      record,
      type: type as DeviceProvider['type'],
      subject: type.subjectFor(user, record.config),
      removable: type.devices.removable(record.config),
    });
  }
  return found;
}

/**
 * Removes the user's devices at each provider, before anything changes in Portcullis: a provider
 * that fails stops the reset (what it removed before failing is audited), so the administrator
 * never believes a lost phone is gone when it is not.
 */
export async function forgetDevices(
  runtime: ProviderRuntime,
  repos: Repos,
  user: { id: number; username: string },
  providers: DeviceProvider[],
  context: AuditContext,
  now: () => number,
): Promise<DevicesRemoved[]> {
  const done: DevicesRemoved[] = [];
  for (const { record, type, subject } of providers) {
    let instance: ReturnType<ProviderRuntime['instanceFor']>;
    try {
      instance = runtime.instanceFor(record);
    } catch (error) {
      if (error instanceof SecretBoxError) throw new AppError('PROVIDER_SECRET_UNREADABLE');
      throw error;
    }
    if (instance.challenge !== 'redirect' || !instance.forgetDevices) continue;
    const result = await instance.forgetDevices(subject);
    if (!result.ok) {
      // What other providers removed already is done, and is recorded, though the reset stops here.
      await auditDevicesRemoved(repos, user, done, context, now());
      await recordRemoval(repos, user, context, now(), {
        outcome: 'failure',
        reason: result.outage ? 'provider_unreachable' : 'provider_refused',
        details: {
          provider: record.name,
          subject,
          devices: result.removed,
          complete: false,
          message: result.message.slice(0, 300),
        },
      });
      const partly = result.removed.length
        ? ` It had removed ${result.removed.map((device) => device.description).join(', ')} before it stopped.`
        : ' Nothing was removed.';
      throw new AppError('PROVIDER_DEVICES_NOT_REMOVED', {
        message: `${type.wording.name} could not remove the ${type.devices.noun} of "${subject}": ${result.message} (${result.hint}).${partly} Nothing was reset in Portcullis.`,
      });
    }
    done.push({ provider: record.name, subject, known: result.known, devices: result.removed });
  }
  return done;
}

function recordRemoval(
  repos: Repos,
  user: { id: number; username: string },
  context: AuditContext,
  at: number,
  record: {
    outcome: 'success' | 'failure';
    reason: string;
    details: AuditDetails['user.provider_devices_removed'];
  },
): Promise<void> {
  return repos.audit.record(
    {
      type: 'user.provider_devices_removed',
      outcome: record.outcome,
      reason: record.reason,
      target: { type: 'user', id: user.id, label: user.username },
      details: record.details,
    },
    context,
    at,
  );
}

/** The audit records of devices removed, written in the reset's transaction. */
export async function auditDevicesRemoved(
  repos: Repos,
  user: { id: number; username: string },
  removed: DevicesRemoved[],
  context: AuditContext,
  at: number,
): Promise<void> {
  for (const each of removed) {
    await recordRemoval(repos, user, context, at, {
      outcome: 'success',
      reason: each.known ? 'removed' : 'unknown_at_provider',
      details: { provider: each.provider, subject: each.subject, devices: each.devices, complete: true, message: null },
    });
  }
}

/** Reset MFA's dialog: per provider that can forget devices, whether Portcullis can, or what to do by hand. */
export interface ResetPreview {
  providers: Array<{
    id: number;
    name: string;
    method: string;
    subject: string;
    noun: string;
    removable: boolean;
    manualSteps: string[];
  }>;
}

export function resetPreviewOf(providers: DeviceProvider[]): ResetPreview {
  return {
    providers: providers.map(({ record, type, subject, removable }) => ({
      id: record.id,
      name: record.name,
      method: type.wording.method,
      subject,
      noun: type.devices.noun,
      removable,
      manualSteps: type.devices.manualSteps(subject),
    })),
  };
}
