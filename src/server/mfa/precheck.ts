import type { PrecheckResult } from './provider-type.ts';

/** The sign-in refusals a pre-check can lead to; each has its own message in the error catalogue. */
export type PrecheckRefusal = 'MFA_ACCOUNT_LOCKED' | 'MFA_ACCOUNT_DISABLED' | 'MFA_ACCOUNT_UNKNOWN';

export type PrecheckVerdict =
  | { go: true; audit: { outcome: 'success' | 'failure'; reason: string } | null }
  | { go: false; code: PrecheckRefusal; reason: string };

/**
 * What the core does with a redirect provider's pre-check (ADR 0020), before the browser is sent
 * there. Pure, table-tested. The provider still decides at its own prompt, so the pre-check only
 * ever refuses what the provider would refuse anyway, with a clearer message; it never lets anyone
 * through, and a pre-check that could not run changes nothing (an Admin API outage must not block
 * sign-in).
 *
 * - active: go on (the usual case: not audited, as `login.mfa_started` follows);
 * - bypass: go on, audited (the provider will let them in without a second factor);
 * - not enrolled: go on when enrolling, or when MFA is required (the provider's inline enrolment runs);
 *   otherwise refuse with what to do (their method no longer exists at the provider);
 * - locked out, disabled: refuse;
 * - skipped: go on, audited with its cause.
 */
export function precheckVerdict(
  result: PrecheckResult,
  situation: { enrolling: boolean; mfaRequired: boolean },
): PrecheckVerdict {
  switch (result.status) {
    case 'active':
      return { go: true, audit: null };
    case 'bypass':
      return { go: true, audit: { outcome: 'success', reason: 'bypass' } };
    case 'not_enrolled':
      if (situation.enrolling || situation.mfaRequired)
        return { go: true, audit: { outcome: 'success', reason: 'not_enrolled' } };
      return { go: false, code: 'MFA_ACCOUNT_UNKNOWN', reason: 'not_enrolled' };
    case 'locked_out':
      return { go: false, code: 'MFA_ACCOUNT_LOCKED', reason: 'locked_out' };
    case 'disabled':
      return { go: false, code: 'MFA_ACCOUNT_DISABLED', reason: 'disabled' };
    case 'skipped':
      return { go: true, audit: { outcome: 'failure', reason: 'precheck_skipped' } };
  }
}
