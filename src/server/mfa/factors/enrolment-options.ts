import type { ProviderRecord } from '../../db/repos/providers-repo.ts';
import type { MfaPolicy } from '../policy.ts';

/** Whether a user may set a new method up with this provider: enabled, and of a type the policy allows. */
export function mayEnrolWith(provider: ProviderRecord, policy: MfaPolicy): boolean {
  return provider.enabled && (policy.mode === 'off' || (policy.allowedTypes as string[]).includes(provider.type));
}

/**
 * The providers offered for a new method: those a user may enrol with and not known to be failing (a
 * provider saved despite a failed check is not offered until a check passes; issue 13, item 9).
 */
export function enrolmentOptions(providers: ProviderRecord[], policy: MfaPolicy): ProviderRecord[] {
  return providers.filter(
    (provider) =>
      mayEnrolWith(provider, policy) &&
      (provider.lastCheck === null || provider.lastCheck.status === 'ok' || provider.lastCheck.status === 'clock_skew'),
  );
}
