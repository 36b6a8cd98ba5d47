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

export interface MfaProvider {
  healthCheck(): Promise<HealthResult>;
  close(): Promise<void>;
}

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
  create(config: Record<string, string>, secrets: Record<string, string>, context: ProviderContext): MfaProvider;
}
