import type { Diagnostic } from '../../shared/api/mfa.ts';
import type { ProviderField } from '../../shared/api/providers.ts';
import type { Config } from '../config/config.ts';
import type { FieldErrors } from '../errors/catalogue.ts';

export type { ProviderField };

/** Every provider type Portcullis knows. Adding one = one id here + one registry entry (the compiler insists). */
export type ProviderTypeId = 'duo' | 'totp' | 'webauthn';

/** Every kind of factor a user can hold: one per provider type, and recovery codes (no provider record). */
export type FactorTypeId = ProviderTypeId | 'recovery_codes';

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

/** What a provider instance gets from the portal, whatever its type: pure values, no HTTP, no database. */
export interface ProviderContext {
  allowCustomHosts: boolean;
  now: () => number;
  /** Where a redirect provider sends the browser back to (its own callback under the Application URL). */
  redirectUri: string;
  /** The Application URL (WebAuthn binds keys to its host), or null when it is not set. */
  applicationUrl: string | null;
}

/** A successful second factor, with what the audit log and the session should say about it. */
export interface MfaSuccess {
  ok: true;
  /** The provider's own name for the method used ("Duo Push", "passcode"), for the audit log. */
  factor: string | null;
  txid: string | null;
  device: string | null;
  authTime: number | null;
  /** RFC 8176 method values beyond `pwd`/`mfa` (`swk`, `otp`, `tel`, ...). */
  amr: string[];
}

/** A failed second factor: a short reason for the audit log and a code for the user's page. */
export interface MfaFailure {
  ok: false;
  reason: string;
  /** What went wrong, for the audit log and operators; never a secret, code or token. */
  message: string | null;
  code: 'MFA_DENIED' | 'MFA_FAILED' | 'MFA_UNAVAILABLE';
}

/**
 * What a redirect provider knows of a user before the browser is sent there (ADR 0020): ready to
 * prove the factor, let through without one (bypass), not set up yet (unknown, or no device), or
 * refused (locked out, disabled). `skipped`: the pre-check could not run (an outage, refused
 * credentials); sign-in then goes on as if there were no pre-check.
 */
export type PrecheckResult =
  | { status: 'active' | 'bypass' | 'not_enrolled' | 'locked_out' | 'disabled' }
  | { status: 'skipped'; cause: string; message: string };

/** One device a provider holds for a user, as the audit log may name it: an id and a description, never a secret. */
export interface DeviceSummary {
  id: string;
  /** e.g. "iPhone 15 (Apple iOS, Mobile)". */
  description: string;
}

/** Forgetting a user's devices at the provider: what was removed, even when it stopped half-way. */
export type ForgetDevicesResult =
  | { ok: true; known: boolean; removed: DeviceSummary[] }
  | { ok: false; removed: DeviceSummary[]; message: string; hint: string; outage: boolean };

/**
 * The live check of optional settings (Duo's Admin API keys), run only when they are saved: a
 * field the provider's answer shows to be wrong, or a check result like the main one.
 */
export type OptionalSettingsCheck =
  | { ok: true }
  | { ok: false; fields: FieldErrors }
  | { ok: false; check: HealthResult };

/** A provider that proves the factor on its own pages: a full-page redirect there and a callback back (Duo). */
export interface RedirectProvider {
  challenge: 'redirect';
  healthCheck(): Promise<HealthResult>;
  /** Where to send the browser to prove the factor; `subject` is the provider's name for the user. */
  begin(input: { subject: string; state: string; nonce: string }): string;
  /** Redeems what the provider sent back; never throws for a provider-side failure. */
  complete(input: { code: string; subject: string; nonce: string }): Promise<MfaSuccess | MfaFailure>;
  /**
   * Optional, present only when the record's settings allow it (Duo: the Admin API): the user's
   * status at the provider, asked live before each trip there, never cached. Never throws.
   */
  precheck?(subject: string): Promise<PrecheckResult>;
  /** Optional, like `precheck`: removes every device the provider holds for the user (a lost phone). Never throws. */
  forgetDevices?(subject: string): Promise<ForgetDevicesResult>;
  /** Optional: checks the optional settings live; called on save, after a passing health check. */
  checkOptionalSettings?(): Promise<OptionalSettingsCheck>;
  close(): Promise<void>;
}

export type CodeCheck = { ok: true; step: number } | { ok: false; reason: 'wrong_code' | 'code_format' };

/** A provider whose user types a code we check ourselves against a per-user secret (an authenticator app). */
export interface CodeProvider {
  challenge: 'code';
  healthCheck(): Promise<HealthResult>;
  /** A new per-user secret for enrolment (base32). */
  newSecret(): string;
  /** The otpauth:// URI an app reads from a QR code, for this secret and account name. */
  uriFor(secret: string, account: string): string;
  /** Checks a code (already normalised to digits) against the secret; returns the matching time step. */
  verify(secret: string, code: string): CodeCheck;
  /** The expected code length, for the input's pattern and the error message. */
  digits: number;
  close(): Promise<void>;
}

/** A WebAuthn credential as stored with the user's factor (the public key is not a secret). */
export interface StoredCredential {
  id: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

export interface RegisteredCredential extends StoredCredential {
  aaguid: string;
  backupEligible: boolean;
  backedUp: boolean;
  userVerified: boolean;
  attestation: string;
}

export type CeremonyFailure = { ok: false; reason: string; message: string };

/** A provider whose factor is proven by a browser ceremony with an authenticator (WebAuthn). */
export interface CeremonyProvider {
  challenge: 'ceremony';
  healthCheck(): Promise<HealthResult>;
  registrationOptions(input: {
    userId: number;
    username: string;
    displayName: string;
    exclude: StoredCredential[];
  }): Promise<{ options: Record<string, unknown>; challenge: string }>;
  verifyRegistration(
    response: unknown,
    expectedChallenge: string,
  ): Promise<{ ok: true; credential: RegisteredCredential } | CeremonyFailure>;
  /** `allow: null` asks for any discoverable credential (passwordless). */
  authenticationOptions(input: {
    allow: StoredCredential[] | null;
  }): Promise<{ options: Record<string, unknown>; challenge: string }>;
  verifyAuthentication(
    response: unknown,
    credential: StoredCredential,
    expectedChallenge: string,
    options: { requireUserVerification: boolean },
  ): Promise<{ ok: true; counter: number; userVerified: boolean; backedUp: boolean; amr: string[] } | CeremonyFailure>;
  close(): Promise<void>;
}

export type MfaProvider = RedirectProvider | CodeProvider | CeremonyProvider;

/** Per-provider sign-in behaviour the core needs, whatever the type. */
export interface SignInOptions {
  failMode: 'open' | 'closed';
}

/** The browser's return from a redirect provider: a code to redeem, or why there is none. */
export type CallbackInput = { ok: true; code: string } | { ok: false; reason: string };

export type ParsedSettings =
  | {
      ok: true;
      config: Record<string, string>;
      secrets: Record<string, string>;
      /** Stored secrets the new settings no longer use (Duo's Admin API key once the Admin API is off): removed. */
      clearSecrets?: string[];
    }
  | { ok: false; fields: FieldErrors };

/** The words the console and the sign-in pages use for this type, so generic screens say the right thing. */
export interface ProviderWording {
  /** The short name in a sentence: "Duo did not accept these settings". */
  name: string;
  /** What the user holds: "Duo Security", "Authenticator app". */
  method: string;
  /** The instruction at sign-in: "Approve the sign-in in Duo Mobile." */
  prove: string;
  /** How enrolment works, shown before it starts. */
  enrol: string;
  /** The busy label while the browser leaves for the provider, or a code is checked. */
  busy: string;
}

interface ProviderTypeBase<Settings> {
  id: ProviderTypeId;
  /** As on the "Select provider" screen: "Duo Security". */
  label: string;
  description: string;
  fields: ProviderField[];
  secretKeys: readonly string[];
  wording: ProviderWording;
  /** What the type keeps per user: a sealed secret (TOTP) and a counter that must move forward. */
  perUser: { secret: boolean; counter: boolean };
  /**
   * Validates and normalises the submitted values. `secrets` holds only the secrets that were typed:
   * an omitted or blank secret means "keep the stored one" when `requireSecrets` is false.
   * `storedSecrets` names the secrets the record holds already (an optional secret newly needed is
   * then required even on an edit).
   */
  parse(
    values: Record<string, unknown>,
    options: { allowCustomHosts: boolean; requireSecrets: boolean; storedSecrets?: readonly string[] },
  ): ParsedSettings;
  /** The address shown in the report's "Endpoint" column. */
  endpointOf(config: Record<string, string>): string;
  /** Hosts a browser form may be redirected to (CSP form-action), e.g. the Duo API host. */
  browserOrigins(config: Record<string, string>): string[];
  signInOptions(config: Record<string, string>): SignInOptions;
  /** This type's slice of the process configuration (timeouts, trust store), read once per portal. */
  settingsFrom(config: Config): Settings;
  /**
   * Settings > System > Diagnostics: this type's own checks (reachability, clock, ...) over its
   * enabled records (possibly none), whose instances could be built.
   */
  diagnose(
    providers: Array<{ record: { id: number; name: string }; provider: MfaProvider }>,
    settings: Settings,
  ): Promise<Diagnostic[]>;
}

export interface RedirectProviderType<Settings = unknown> extends ProviderTypeBase<Settings> {
  challenge: 'redirect';
  /** The provider enrols the user on its own pages, during the first challenge (Duo's inline enrolment). */
  enrolment: 'at_provider';
  /** The longest redirect URI the provider accepts, if it has a limit (the Application URL is checked against it). */
  redirectUriLimit: number | null;
  /** The provider's name for a user (Duo: username, email or a template, in lowercase). */
  subjectFor(user: { username: string; email: string }, config: Record<string, string>): string;
  /** Reads the callback's query string (already checked for duplicated parameters). */
  readCallback(query: Record<string, string>): CallbackInput;
  /**
   * Optional: the type can forget a user's devices at the provider (Duo's phones). `removable` says
   * whether a record's settings let Portcullis do it (instances then have `forgetDevices`); without
   * them, `manualSteps` says what an administrator does at the provider instead.
   */
  devices?: {
    /** What they are called: "phones". */
    noun: string;
    removable(config: Record<string, string>): boolean;
    manualSteps(subject: string): string[];
  };
  create(
    config: Record<string, string>,
    secrets: Record<string, string>,
    context: ProviderContext,
    settings: Settings,
  ): RedirectProvider;
}

export interface CodeProviderType<Settings = unknown> extends ProviderTypeBase<Settings> {
  challenge: 'code';
  /** The user scans a secret we generate and proves it with a first valid code. */
  enrolment: 'confirm_code';
  /** RFC 8176 values a code of this type adds beside `pwd` and `mfa`. */
  amr: string[];
  create(
    config: Record<string, string>,
    secrets: Record<string, string>,
    context: ProviderContext,
    settings: Settings,
  ): CodeProvider;
}

export interface CeremonyProviderType<Settings = unknown> extends ProviderTypeBase<Settings> {
  challenge: 'ceremony';
  /** The user registers an authenticator in a browser ceremony. */
  enrolment: 'ceremony';
  /** Bound to the portal's origin by the browser: a look-alike site cannot use it. */
  phishingResistant: true;
  create(
    config: Record<string, string>,
    secrets: Record<string, string>,
    context: ProviderContext,
    settings: Settings,
  ): CeremonyProvider;
}

/**
 * A provider type is a plain object that declares everything about itself: its form, how to validate
 * it, its secrets, how a challenge begins and completes, how a user enrols, what it keeps per user,
 * its slice of the process configuration, its diagnostics and its wording. See ADR 0010.
 */
export type MfaProviderType = RedirectProviderType | CodeProviderType | CeremonyProviderType;
