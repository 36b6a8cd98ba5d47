import type { Repos } from '../db/repos/index.ts';

/** The instance-wide MFA requirement (Settings > MFA > Policy). */
export interface MfaPolicy {
  mode: 'off' | 'required';
}

export const MFA_POLICY_KEY = 'mfa_policy';
const DEFAULT_POLICY: MfaPolicy = { mode: 'off' };

export async function readMfaPolicy(repos: Repos): Promise<MfaPolicy> {
  return { ...DEFAULT_POLICY, ...(await repos.settings.get<Partial<MfaPolicy>>(MFA_POLICY_KEY)) };
}
