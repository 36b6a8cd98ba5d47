import type { FieldErrors } from '../errors/catalogue.ts';

/** Every provider type Portcullis knows. Adding one (TOTP, RADIUS) = one id here + one registry entry. */
export type ProviderTypeId = 'duo';

/** One input of the "Provider registration" form, rendered by the console from this description. */
export interface ProviderField {
  key: string;
  label: string;
  kind: 'text' | 'secret' | 'select';
  help: string;
  placeholder?: string;
  options?: Array<{ value: string; label: string }>;
  required: boolean;
  maxLength: number;
}

export type HealthStatus = 'ok' | 'invalid_credentials' | 'clock_skew' | 'unreachable' | 'error';

/** The outcome of "Test connection", shown to administrators as one of a few plain answers. */
export interface HealthResult {
  status: HealthStatus;
  /** What happened, in a sentence. */
  message: string;
  /** What to do about it, or null when nothing is needed. */
  hint: string | null;
  /** Short cause: dns, refused, timeout, tls, proxy, http_5xx, invalid_client, ... */
  cause: string | null;
  /** Remote clock minus ours, in seconds, when known. */
  skewSeconds: number | null;
  /** A network or 5xx failure: the only kind where a provider's fail-open mode may apply. */
  outage: boolean;
  checkedAt: number;
}

/** What a provider instance needs from the portal; pure values, no HTTP framework, no database. */
export interface ProviderContext {
  allowCustomHosts: boolean;
  extraCaPem?: string;
  timeoutMs: number;
  now: () => number;
  /** Proxy variables set in the environment: ignored (direct connections only), but worth saying. */
  proxyVariables: string[];
  /** Where the provider sends the browser back to (the per-provider callback under the Application URL). */
  redirectUri: string;
}

/** A successful second factor, with what the audit log should say about it. */
export interface MfaSuccess {
  ok: true;
  factor: string | null;
  txid: string | null;
  device: string | null;
  authTime: number | null;
}

/** A failed second factor: a short reason for the audit log and a code for the user's page. */
export interface MfaFailure {
  ok: false;
  reason: string;
  /** What went wrong, for the audit log and operators; never a secret, code or token. */
  message: string | null;
  code: 'MFA_DENIED' | 'MFA_FAILED' | 'MFA_UNAVAILABLE';
}

export interface MfaProvider {
  healthCheck(): Promise<HealthResult>;
  /** Where to send the browser (a full-page redirect) to prove the second factor. */
  begin(input: { username: string; state: string; nonce: string }): string;
  /** Redeems what the provider sent back; never throws for a provider-side failure. */
  complete(input: { code: string; username: string; nonce: string }): Promise<MfaSuccess | MfaFailure>;
  close(): Promise<void>;
}

/** Per-provider sign-in behaviour the core needs, whatever the type. */
export interface SignInOptions {
  failMode: 'open' | 'closed';
  username: { source: 'username' | 'email' | 'template'; template: string };
}

/** The browser's return from the provider: a code to redeem, or why there is none. */
export type CallbackInput = { ok: true; code: string } | { ok: false; reason: string };

export type ParsedSettings =
  | { ok: true; config: Record<string, string>; secrets: Record<string, string> }
  | { ok: false; fields: FieldErrors };

/**
 * A provider type is a plain object: its form, how to validate and normalise what an administrator
 * typed, which values are secrets (sealed at rest, never returned), and how to build a working
 * provider from a record.
 */
export interface MfaProviderType {
  id: ProviderTypeId;
  /** As on the "Select provider" screen: "Duo Security". */
  label: string;
  description: string;
  fields: ProviderField[];
  secretKeys: readonly string[];
  /**
   * Validates and normalises the submitted values. `secrets` holds only the secrets that were typed:
   * an omitted or blank secret means "keep the stored one" when `requireSecrets` is false.
   */
  parse(
    values: Record<string, unknown>,
    options: { allowCustomHosts: boolean; requireSecrets: boolean },
  ): ParsedSettings;
  /** The address shown in the report's "Endpoint" column. */
  endpointOf(config: Record<string, string>): string;
  /** Hosts a browser form may be redirected to (CSP form-action), e.g. the Duo API host. */
  browserOrigins(config: Record<string, string>): string[];
  signInOptions(config: Record<string, string>): SignInOptions;
  /** Reads the callback's query string (already checked for duplicated parameters). */
  readCallback(query: Record<string, string>): CallbackInput;
  create(config: Record<string, string>, secrets: Record<string, string>, context: ProviderContext): MfaProvider;
}
