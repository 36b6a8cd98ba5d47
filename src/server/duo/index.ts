export type { DuoClient, DuoClientOptions, DuoClientSettings, DuoHealth } from './client.ts';
export { createDuoClient } from './client.ts';
export {
  checkClientId,
  checkClientSecret,
  checkRedirectUri,
  createNonce,
  createState,
  normalizeApiHost,
  proxyVariablesSet,
} from './config.ts';
export type { DuoErrorKind, DuoOperation } from './errors.ts';
export { DuoError, isOutage } from './errors.ts';
export type { DuoAuthResult } from './id-token.ts';
