// The public contract of the emulator. Portcullis' Duo client tests are written against these
// names and shapes: add fields, never rename or narrow them.

export interface DuoEmulatorOptions {
  /** Default 0 (a free port); the CLI uses 9443. */
  port?: number;
  /** Default '127.0.0.1'. */
  bindAddress?: string;
  /** Host name used in apiHost and in the certificate SANs; default 'localhost' (SANs also include 127.0.0.1 and ::1). */
  hostname?: string;
  /** CA + server cert + emulator.json + persisted clients/users; default: a fresh temp dir removed on close(). */
  dataDir?: string;
  /** The emulator's clock in ms (default Date.now): lets tests skew Duo's clock. */
  now?: () => number;
  /** Authorization code lifetime, default 300. */
  codeTtlSeconds?: number;
  /** How long a push waits for the phone before the prompt reports a timeout; default 60 000 (Duo's push timeout). */
  pushTimeoutMs?: number;
  /** Called once per answered request; the CLI uses it for its request log. */
  onRequestLog?: (entry: RequestLogEntry) => void;
}

export interface DuoEmulator {
  /** e.g. "localhost:43123": exactly what an administrator pastes as Endpoint (host:port, no scheme). */
  readonly apiHost: string;
  /** "https://localhost:43123" */
  readonly baseUrl: string;
  /** PEM of the CA that signed the emulator's server certificate. */
  readonly caPem: string;
  /** Path of that PEM file. */
  readonly caFile: string;
  /** base64 SHA-256 of the server certificate's SubjectPublicKeyInfo (Chromium's --ignore-certificate-errors-spki-list). */
  readonly serverSpkiSha256: string;
  /** The client kept in <dataDir>/emulator.json and reused across restarts (what the CLI prints). */
  readonly readyClient: { clientId: string; clientSecret: string };
  readonly dataDir: string;
  registerClient(opts?: { clientId?: string; clientSecret?: string; name?: string }): {
    clientId: string;
    clientSecret: string;
  };
  /** Duo's "New User policy"; default 'enroll'. */
  setNewUserPolicy(policy: NewUserPolicy): void;
  /** Create or update a Duo user. */
  setUser(username: string, patch: Partial<DuoUser>): void;
  getUser(username: string): DuoUser | undefined;
  /** Replaces the active faults; [] = faithful behaviour. */
  setFaults(faults: DuoFault[]): void;
  /** Every request received, in order. */
  readonly requests: ReadonlyArray<RecordedRequest>;
  clearRequests(): void;
  /**
   * The user at the prompt, without a browser: validates the authorize URL exactly as GET /oauth/v1/authorize does,
   * applies the user's state and the outcome, and says what Duo would do.
   */
  completeAuthorization(
    authorizeUrl: string,
    outcome?: PromptOutcome,
  ): Promise<
    | { kind: 'redirect'; url: string }
    | { kind: 'denied'; reason: string }
    | { kind: 'error'; status: number; message: string }
  >;
  close(): Promise<void>;
}

export type NewUserPolicy = 'enroll' | 'allow' | 'deny';
export type PromptOutcome = 'approve' | 'deny' | 'timeout';

export interface DuoUser {
  status: 'active' | 'bypass' | 'disabled' | 'locked_out';
  enrolled: boolean;
  /** Enrolled Duo Mobile device, e.g. "+1 555-0100". */
  phone?: string;
  /**
   * The simulated phone answers at once; with 'approve', GET /oauth/v1/authorize for an enrolled active user redirects
   * straight back with a code (Duo's "automatically send a push"), so HTTP-only tests need no browser.
   */
  autoPush?: 'approve' | 'deny' | null;
  /** Allow without a push (remembered device). */
  rememberedDevice?: boolean;
  /** Duo's primary username, sent as `sub` when the sent name is an alias. */
  canonicalName?: string;
  /** Per-user push timeout; overrides DuoEmulatorOptions.pushTimeoutMs. */
  pushTimeoutMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  /** Parsed x-www-form-urlencoded body, if any. */
  form: Record<string, string | string[]> | null;
  receivedAt: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path and query with secrets, assertions and codes shortened. */
  url: string;
  status: number;
  durationMs: number;
}

export type IdTokenMutation =
  /** Signed with another secret. */
  | { type: 'wrong_key' }
  /** RS256 with an attacker's own key. */
  | { type: 'alg'; alg: 'HS256' | 'none' | 'RS256' }
  /** e.g. iss, aud (string or array), preferred_username, nonce, sub. */
  | { type: 'set'; claim: string; value: unknown }
  /** e.g. exp, iat, iss, aud, preferred_username, nonce, auth_result. */
  | { type: 'remove'; claim: string }
  /** Relative to the emulator clock; adds nbf if absent. */
  | { type: 'shift'; claim: 'exp' | 'iat' | 'nbf'; seconds: number }
  | { type: 'auth_result'; status: 'deny' | 'fraud' };

export type DuoFault =
  | {
      endpoint: 'health_check' | 'token';
      kind: 'http_500_html' | 'http_503_empty' | 'http_429' | 'connection_reset' | 'malformed_json';
    }
  | { endpoint: 'health_check' | 'token'; kind: 'slow'; delayMs: number }
  | { endpoint: 'health_check'; kind: 'fail_200' | 'fail_400' | 'stat_lowercase_ok' }
  | { endpoint: 'token'; kind: 'invalid_client_401' | 'invalid_grant' | 'token_type_lowercase' }
  | { endpoint: 'token'; kind: 'missing_field'; field: 'id_token' | 'access_token' | 'expires_in' | 'token_type' }
  | { endpoint: 'token'; kind: 'id_token'; mutate: IdTokenMutation[] }
  /** Codes may be redeemed more than once. */
  | { endpoint: 'token'; kind: 'replayable_code' };
