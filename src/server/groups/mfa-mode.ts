import type { GroupMfaPolicy } from '../../shared/api/groups.ts';

/**
 * The MFA requirement of one user: the instance policy, changed by the groups they are in. A group
 * that requires MFA wins over one that turns it off (the stricter choice), and "off" wins over the
 * instance's "required" (the group exists to exempt its members, as "skip MFA" does for one user).
 */
export function effectiveMfaMode(
  instance: 'off' | 'required',
  groupPolicies: readonly GroupMfaPolicy[],
): { mode: 'off' | 'required'; from: 'instance' | 'group' } {
  if (groupPolicies.includes('required')) return { mode: 'required', from: 'group' };
  if (groupPolicies.includes('off')) return { mode: 'off', from: 'group' };
  return { mode: instance, from: 'instance' };
}
