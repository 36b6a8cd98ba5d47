import type { HealthResult } from './provider-type.ts';

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
