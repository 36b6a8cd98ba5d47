import type { MfaProviderType, ProviderTypeId } from './provider-type.ts';
import { duoProviderType } from './providers/duo/duo-type.ts';
import { totpProviderType } from './providers/totp/totp-type.ts';
import { webauthnProviderType } from './providers/webauthn/webauthn-type.ts';

/**
 * The exhaustive registry of provider types: the `Record<ProviderTypeId, ...>` makes the compiler
 * refuse a type id without an entry. Built-in types register exactly as a future one would.
 */
export const PROVIDER_TYPES: Readonly<Record<ProviderTypeId, MfaProviderType>> = {
  duo: duoProviderType,
  totp: totpProviderType,
  webauthn: webauthnProviderType,
};

export const PROVIDER_TYPE_IDS = Object.keys(PROVIDER_TYPES) as ProviderTypeId[];

export function providerTypeOf(id: string): MfaProviderType | undefined {
  return Object.hasOwn(PROVIDER_TYPES, id) ? PROVIDER_TYPES[id as ProviderTypeId] : undefined;
}
