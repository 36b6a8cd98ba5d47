/**
 * After the password step: does this sign-in need a second factor, and with which provider? Pure, so
 * every branch is tested without HTTP or SQL.
 */
export interface MfaDecisionInput {
  user: { role: 'administrator' | 'user'; mfaSkip: boolean };
  /** The provider the user configured, if any, and whether it is still enabled. */
  configured: { providerId: number; enabled: boolean } | null;
  policy: { mode: 'off' | 'required'; defaultProviderId: number | null };
  /** Whether the policy's default provider exists and is enabled. */
  defaultEnabled: boolean;
}

export type MfaDecision =
  | { kind: 'none'; reason: 'not_required' | 'skip_mfa' }
  | { kind: 'mfa'; providerId: number; enrolling: boolean }
  | { kind: 'unavailable'; reason: 'provider_disabled' | 'no_default_provider' };

export function decideSecondFactor(input: MfaDecisionInput): MfaDecision {
  if (input.user.mfaSkip) return { kind: 'none', reason: 'skip_mfa' };
  if (input.configured) {
    // A user who set up MFA always uses it; a disabled provider fails closed rather than letting
    // the user in with a password alone.
    if (!input.configured.enabled) return { kind: 'unavailable', reason: 'provider_disabled' };
    return { kind: 'mfa', providerId: input.configured.providerId, enrolling: false };
  }
  if (input.policy.mode !== 'required') return { kind: 'none', reason: 'not_required' };
  if (input.policy.defaultProviderId === null || !input.defaultEnabled)
    return { kind: 'unavailable', reason: 'no_default_provider' };
  // Required but not yet set up: the provider's own prompt enrols the user (Duo's inline enrolment).
  return { kind: 'mfa', providerId: input.policy.defaultProviderId, enrolling: true };
}

/**
 * Fail-open is an explicit per-provider choice and narrow: only when the pre-redirect health check
 * failed for network or 5xx reasons, never for refused credentials, never once the user was sent to
 * the provider, and never for administrators (anchors 73–74).
 */
export function mayFailOpen(input: {
  failMode: 'open' | 'closed';
  outage: boolean;
  role: 'administrator' | 'user';
}): boolean {
  return input.failMode === 'open' && input.outage && input.role !== 'administrator';
}
