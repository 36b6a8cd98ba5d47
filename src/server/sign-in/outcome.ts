import type { ChallengePurpose } from '../db/repos/challenges-repo.ts';
import type { AuthLevel } from '../db/repos/sessions-repo.ts';
import type { ErrorCode } from '../errors/catalogue.ts';
import type { FactorTypeId } from '../mfa/provider-type.ts';

export type Purpose = ChallengePurpose;

/** A factor the user can pick at sign-in ("Use another method"). */
export interface FactorChoice {
  /** Null when the user is enrolling it. */
  factorId: string | null;
  type: FactorTypeId;
  /** The user's own name for it ("Phone", "Duo Security"). */
  label: string;
  /** What kind of method it is, in words ("Authenticator app"). */
  method: string;
}

/** A second-factor step to present: the browser goes to a provider, or the user types a code. */
export interface PresentedChallenge {
  id: string;
  kind: 'redirect' | 'code' | 'enrol_code' | 'ceremony';
  factor: FactorChoice;
  /** Redirect challenges: where the browser goes (a full-page navigation). */
  url: string | null;
  alternatives: FactorChoice[];
  /** The method that was tried first and is unavailable right now (so this one is offered instead). */
  unavailable: string | null;
}

/** Why MFA cannot happen right now, as a category the sign-in page can explain (never internals). */
export type UnavailableReason =
  | 'outage'
  | 'provider_disabled'
  | 'no_default_provider'
  | 'application_url'
  | 'provider_error';

export type FailureCode = Extract<
  ErrorCode,
  | 'MFA_DENIED'
  | 'MFA_FAILED'
  | 'MFA_EXPIRED'
  | 'MFA_UNAVAILABLE'
  | 'MFA_CODE_INVALID'
  | 'MFA_CODE_WRONG'
  | 'MFA_CODE_REUSED'
  | 'MFA_CODE_LOCKED'
  | 'MFA_CODE_THROTTLED'
  | 'MFA_THROTTLED'
  | 'MFA_KEY_REFUSED'
  | 'MFA_KEY_MODEL_REFUSED'
  | 'MFA_ACCOUNT_LOCKED'
  | 'MFA_ACCOUNT_DISABLED'
  | 'MFA_ACCOUNT_UNKNOWN'
>;

/**
 * What the sign-in core answers, as a plain value: front ends (the console's routes, later
 * forward-auth and OpenID Connect) turn it into cookies, redirects or JSON.
 */
export type SignInOutcome =
  | {
      kind: 'signed_in';
      user: { id: number; username: string };
      authLevel: AuthLevel;
      /** RFC 8176 Authentication Method Reference values. */
      amr: string[];
      authTime: number;
      purpose: Purpose;
      returnPath: string;
      sessionToken: string;
      /** The factor that proved the second step, for "last used in this browser". */
      factorId: string | null;
      /** After a recovery code: how many are left. */
      recoveryCodesLeft: number | null;
      /** The device cookie for this browser (it signed in as this user). */
      deviceCookie: string;
    }
  | { kind: 'challenge'; purpose: Purpose; returnPath: string; browserBinding: string; challenge: PresentedChallenge }
  | { kind: 'unavailable'; reason: UnavailableReason; purpose: Purpose }
  | {
      kind: 'failed';
      code: FailureCode;
      purpose: Purpose | null;
      /** A code challenge that is still open: the user may try again on the same page. */
      retryChallengeId: string | null;
      attemptsLeft: number | null;
      retryAfterSeconds: number | null;
      /** A sentence replacing the catalogue message (e.g. the expected number of digits). */
      message: string | null;
    };

export type FailedOutcome = Extract<SignInOutcome, { kind: 'failed' }>;

export function failure(
  code: FailureCode,
  purpose: Purpose | null,
  extra: Partial<Omit<FailedOutcome, 'kind' | 'code' | 'purpose'>> = {},
): FailedOutcome {
  return {
    kind: 'failed',
    code,
    purpose,
    retryChallengeId: null,
    attemptsLeft: null,
    retryAfterSeconds: null,
    message: null,
    ...extra,
  };
}
