import type { Repos } from '../db/repos/index.ts';
import type { ProviderTypeId } from './provider-type.ts';
import { PROVIDER_TYPE_IDS } from './registry.ts';

/** The instance-wide MFA requirement (Settings > MFA > Policy). */
export interface MfaPolicy {
  /** off: users who set up MFA use it; required: everyone (but "skip MFA" users) must. */
  mode: 'off' | 'required';
  /** The provider users without MFA enrol with (at sign-in when MFA is required; first in My account). */
  defaultProviderId: number | null;
  /** The provider types whose factors satisfy "MFA required". */
  allowedTypes: ProviderTypeId[];
  /** Whether users may generate and sign in with recovery codes. */
  recoveryCodes: boolean;
  /** Administrators must use a phishing-resistant method (a security key or passkey). */
  adminPhishingResistant: boolean;
  /** "Sign in with a passkey" on the sign-in page (with user verification, it counts as MFA). */
  passwordless: boolean;
}

export const MFA_POLICY_KEY = 'mfa_policy';

export function defaultMfaPolicy(): MfaPolicy {
  return {
    mode: 'off',
    defaultProviderId: null,
    allowedTypes: [...PROVIDER_TYPE_IDS],
    recoveryCodes: true,
    adminPhishingResistant: false,
    passwordless: false,
  };
}

export async function readMfaPolicy(repos: Repos): Promise<MfaPolicy> {
  const stored = (await repos.settings.get<Partial<MfaPolicy>>(MFA_POLICY_KEY)) ?? {};
  const policy = { ...defaultMfaPolicy(), ...stored };
  // A type removed from this version of Portcullis no longer counts.
  policy.allowedTypes = policy.allowedTypes.filter((type) => (PROVIDER_TYPE_IDS as string[]).includes(type));
  return policy;
}
