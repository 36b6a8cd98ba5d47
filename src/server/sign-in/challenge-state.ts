import type { FactorTypeId, ProviderTypeId } from '../mfa/provider-type.ts';
import { PROVIDER_TYPE_IDS } from '../mfa/registry.ts';
import type { StepUpRequirement } from './factor-choices.ts';

/**
 * The typed state of each challenge kind, kept as JSON in `mfa_challenges.state`. Parsed back with
 * checks, so a row written by another version (or tampered with) cannot pass for a valid state.
 */
export interface RedirectState {
  nonce: string;
  /** The provider's name for the user, sent at the start and compared in the answer. */
  subject: string;
  enrolling: boolean;
  /** Configure MFA with "replace": the user's other provider factors go once this one is proven. */
  replace: boolean;
}

export interface EnrolCodeState {
  /** The new factor's secret, sealed and bound to `mfa_challenge:<id>:secret`. */
  sealedSecret: string;
  label: string;
  replace: boolean;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function readRedirectState(state: Record<string, unknown>): RedirectState | null {
  const nonce = text(state.nonce);
  const subject = text(state.subject);
  if (!nonce || !subject) return null;
  return { nonce, subject, enrolling: state.enrolling === true, replace: state.replace === true };
}

export function readEnrolCodeState(state: Record<string, unknown>): EnrolCodeState | null {
  const sealedSecret = text(state.sealedSecret);
  if (!sealedSecret) return null;
  return { sealedSecret, label: text(state.label), replace: state.replace === true };
}

/** A step-up challenge's requirement (see StepUpRequirement), or null for every other challenge. */
export function readStepUp(challenge: { purpose: string; state: Record<string, unknown> }): StepUpRequirement | null {
  if (challenge.purpose !== 'step_up') return null;
  const types = challenge.state.stepUpTypes;
  return {
    factorTypes: Array.isArray(types)
      ? types.filter((type): type is FactorTypeId => PROVIDER_TYPE_IDS.includes(type as ProviderTypeId))
      : null,
  };
}

/** Additional data binding a sealed value to its row and field: a ciphertext moved elsewhere does not open. */
export const challengeSecretAad = (challengeId: string) => `mfa_challenge:${challengeId}:secret`;
export const factorSecretAad = (factorId: string) => `user_factor:${factorId}:secret`;

/** A WebAuthn ceremony: the options given to the browser, whose challenge the answer must sign. */
export interface CeremonyState {
  ceremony: 'register' | 'authenticate';
  challenge: string;
  options: Record<string, unknown>;
  label: string;
  replace: boolean;
}

export function readCeremonyState(state: Record<string, unknown>): CeremonyState | null {
  const challenge = text(state.challenge);
  const ceremony = state.ceremony === 'register' || state.ceremony === 'authenticate' ? state.ceremony : null;
  const options =
    state.options && typeof state.options === 'object' ? (state.options as Record<string, unknown>) : null;
  if (!challenge || !ceremony || !options) return null;
  return { ceremony, challenge, options, label: text(state.label), replace: state.replace === true };
}
