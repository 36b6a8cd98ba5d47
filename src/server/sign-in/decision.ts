import type { FactorTypeId } from '../mfa/provider-type.ts';

/**
 * After the password step: does this sign-in need a second factor, which of the user's factors is
 * offered first, and which others may be used instead? Pure, so every branch is tested without HTTP
 * or SQL (test/unit/sign-in-decision.test.ts).
 */

/** A factor the user holds, as the decision sees it. */
export interface HeldFactor {
  id: string;
  type: FactorTypeId;
  /** The provider record exists and is enabled (always true for recovery codes). */
  usable: boolean;
  isDefault: boolean;
  lastUsedAt: number | null;
  /** Recovery codes: how many are left (0 = none usable). */
  remaining?: number;
}

export interface DecisionPolicy {
  mode: 'off' | 'required';
  /** Types that satisfy "MFA required" (recovery codes are governed by `recoveryCodes`). */
  allowedTypes: readonly FactorTypeId[];
  recoveryCodes: boolean;
  /** The provider new users enrol with when MFA is required, if it exists and is enabled. */
  enrolWith: { providerId: number; type: FactorTypeId } | null;
  /** Administrators must use a phishing-resistant factor (of these types), enrolling with the provider given. */
  administrators?: { types: readonly FactorTypeId[]; enrolWith: { providerId: number; type: FactorTypeId } | null };
}

export interface DecisionInput {
  user: { role: 'administrator' | 'user'; mfaSkip: boolean };
  factors: HeldFactor[];
  policy: DecisionPolicy;
  /** The factor last used in this browser (a cookie), preferred when still usable. */
  preferredFactorId: string | null;
}

export type SecondFactorDecision =
  | { kind: 'none'; reason: 'not_required' | 'skip_mfa' }
  | { kind: 'prove'; primary: HeldFactor; alternatives: HeldFactor[] }
  | { kind: 'enrol'; providerId: number; type: FactorTypeId }
  | { kind: 'unavailable'; reason: 'provider_disabled' | 'no_default_provider' };

/** Whether a factor may be used at all under this policy (a held factor of a type no longer allowed may not). */
function counts(factor: HeldFactor, policy: DecisionPolicy): boolean {
  if (factor.type === 'recovery_codes') return policy.recoveryCodes && (factor.remaining ?? 0) > 0;
  return policy.mode === 'off' || policy.allowedTypes.includes(factor.type);
}

/** Preference: this browser's last factor, then the user's default, then the most recently used. */
function byPreference(preferredId: string | null) {
  return (a: HeldFactor, b: HeldFactor): number => {
    const rank = (factor: HeldFactor) => (factor.id === preferredId ? 0 : factor.isDefault ? 1 : 2);
    return rank(a) - rank(b) || (b.lastUsedAt ?? 0) - (a.lastUsedAt ?? 0);
  };
}

/**
 * For administrators under "phishing-resistant MFA for administrators": only those factors count, no
 * recovery codes (a relayed code would defeat the point), and MFA is required whatever the mode.
 */
function policyFor(input: DecisionInput): DecisionPolicy {
  const strict = input.user.role === 'administrator' ? input.policy.administrators : undefined;
  if (!strict) return input.policy;
  return { mode: 'required', allowedTypes: strict.types, recoveryCodes: false, enrolWith: strict.enrolWith };
}

export function decideSecondFactor(given: DecisionInput): SecondFactorDecision {
  const input = { ...given, policy: policyFor(given) };
  if (input.user.mfaSkip) return { kind: 'none', reason: 'skip_mfa' };
  const eligible = input.factors.filter((factor) => counts(factor, input.policy));
  // Recovery codes back up another factor; on their own they do not make a user "set up".
  const main = eligible.filter((factor) => factor.type !== 'recovery_codes');
  const recovery = eligible.filter((factor) => factor.type === 'recovery_codes');
  if (main.length > 0) {
    const usable = [...main.filter((factor) => factor.usable)].sort(byPreference(input.preferredFactorId));
    const [primary, ...others] = [...usable, ...recovery];
    // A user who set up MFA always uses it: a disabled provider fails closed, never password-only.
    if (!primary) return { kind: 'unavailable', reason: 'provider_disabled' };
    return { kind: 'prove', primary, alternatives: others };
  }
  if (input.policy.mode !== 'required') return { kind: 'none', reason: 'not_required' };
  if (!input.policy.enrolWith) return { kind: 'unavailable', reason: 'no_default_provider' };
  // Required but not set up: enrol with the default provider (Duo enrols inside its own prompt).
  return { kind: 'enrol', providerId: input.policy.enrolWith.providerId, type: input.policy.enrolWith.type };
}

/**
 * Fail-open is an explicit per-provider choice and narrow: only when the pre-redirect health check
 * failed for network or 5xx reasons, never for refused credentials, never once the user was sent to
 * the provider, never for administrators, and never while another factor of the user's can be used.
 */
export function mayFailOpen(input: {
  failMode: 'open' | 'closed';
  outage: boolean;
  role: 'administrator' | 'user';
  alternatives: number;
}): boolean {
  return input.failMode === 'open' && input.outage && input.role !== 'administrator' && input.alternatives === 0;
}
