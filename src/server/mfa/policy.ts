import type { Repos } from '../db/repos/index.ts';

/** The instance-wide MFA requirement (Settings > MFA > Policy). */
export interface MfaPolicy {
  /** off: users who set up MFA use it; required: everyone (but "skip MFA" users) must. */
  mode: 'off' | 'required';
  /** The provider users without MFA are enrolled with at sign-in when MFA is required. */
  defaultProviderId: number | null;
}

export const MFA_POLICY_KEY = 'mfa_policy';
const DEFAULT_POLICY: MfaPolicy = { mode: 'off', defaultProviderId: null };

export async function readMfaPolicy(repos: Repos): Promise<MfaPolicy> {
  return { ...DEFAULT_POLICY, ...(await repos.settings.get<Partial<MfaPolicy>>(MFA_POLICY_KEY)) };
}
