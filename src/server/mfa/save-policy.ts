import { AppError } from '../errors/catalogue.ts';
import type { HealthResult, MfaProviderType } from './provider-type.ts';
import { healthView } from './provider-views.ts';

export type SaveDecision =
  | { save: true; despiteCheck: boolean }
  | { save: false; code: 'PROVIDER_CHECK_FAILED' | 'PROVIDER_UNREACHABLE' };

/**
 * Whether a provider may be saved after its live check:
 * - a passing check saves;
 * - an unreachable provider may be saved anyway when the administrator says so (Duo may be down, or
 *   this network not yet opened) — enabled or not;
 * - credentials Duo refused, a clock that disagrees, or any other failure never enable a provider:
 *   such settings can only be kept as a disabled provider, and only when the administrator says so.
 */
export function decideSave(check: HealthResult | null, enabled: boolean, saveAnyway: boolean): SaveDecision {
  if (check === null || check.status === 'ok') return { save: true, despiteCheck: false };
  if (check.status === 'unreachable')
    return saveAnyway ? { save: true, despiteCheck: true } : { save: false, code: 'PROVIDER_UNREACHABLE' };
  if (!enabled && saveAnyway) return { save: true, despiteCheck: true };
  return { save: false, code: 'PROVIDER_CHECK_FAILED' };
}

/**
 * Throws the refusal when the check does not allow this save (the console, the API and providers as
 * code alike); says whether it is saved despite a failed check. The catalogue speaks of "the
 * provider"; here the type names itself ("Duo did not accept these settings").
 */
export function refuseUnlessSaved(
  type: MfaProviderType,
  check: HealthResult | null,
  enabled: boolean,
  saveAnyway: boolean,
): boolean {
  const decision = decideSave(check, enabled, saveAnyway);
  if (decision.save) return decision.despiteCheck;
  const message =
    decision.code === 'PROVIDER_CHECK_FAILED'
      ? `${type.wording.name} did not accept these settings. Correct them, or save the provider disabled until they are right.`
      : undefined;
  throw new AppError(decision.code, {
    ...(message && { message }),
    details: { check: check ? healthView(check) : null },
  });
}
