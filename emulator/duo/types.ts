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
  /**
   * Behaviour where Duo's own is not documented; each default is the one the evidence favours
   * (docs/duo-emulator.md, "Where Duo's behaviour was guessed").
   */
  knobs?: Partial<DuoKnobs>;
}

export interface DuoKnobs {
  /**
   * 'reject' (default): a client-assertion jti is accepted once per client until the assertion expires (RFC 7523
   * §3 allows the server to refuse a replay); 'accept': jti is only required to be present.
   */
  jtiReplay: 'reject' | 'accept';
  /** HTTP status of a health check that fails with stat FAIL: 200 (default: the Node and Go SDK fixtures) or 400. */
  healthCheckFailStatus: 200 | 400;
  /** false: the account has no frameless (Universal Prompt) access; the token call answers 401. Default true. */
  framelessAccess: boolean;
  /**
   * Seconds before an authentication shows in GET /admin/v2/logs/authentication: Duo documents an intentional
   * two-minute delay, so the default is 120; 0 shows it at once.
   */
  authLogDelaySeconds: number;
}

/** Duo application types: only 'web_sdk' speaks OIDC, only 'admin_api' may call /admin/*. */
export type DuoApplicationType = 'web_sdk' | 'admin_api' | 'auth_api';

/** The Admin API application's permission checkboxes in Duo's admin panel. */
export type AdminPermission = 'read_resource' | 'write_resource' | 'read_log' | 'read_information';

export interface RegisterClientOptions {
  clientId?: string;
  clientSecret?: string;
  name?: string;
  /** Default 'web_sdk'. */
  type?: DuoApplicationType;
  /** Admin API applications only; default: all four. */
  permissions?: AdminPermission[];
}

/** One entry of the emulator's authentication log, in the shape of GET /admin/v2/logs/authentication. */
export interface AuthLogEntry {
  txid: string;
  /** Seconds. */
  timestamp: number;
  isotimestamp: string;
  event_type: 'authentication' | 'enrollment';
  result: 'success' | 'denied' | 'fraud' | 'error';
  reason: string;
  factor: string;
  /** key is null for a name Duo does not know (a denied unenrolled user). */
  user: { name: string; key: string | null; groups: string[] };
  application: { name: string; key: string };
  access_device: { ip: string | null };
  auth_device: { name: string | null; ip: string | null };
  alias: string;
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
  /** The Admin API application kept in emulator.json (integration key, secret key; the host is apiHost). */
  readonly readyAdminApi: { integrationKey: string; secretKey: string };
  readonly dataDir: string;
  /** A Duo application: Web SDK (default), Admin API or Auth API; its Client ID / integration key and secret. */
  registerClient(opts?: RegisterClientOptions): {
    clientId: string;
    clientSecret: string;
  };
  /** Replaces some knobs at run time (the rest keep their values). */
  setKnobs(knobs: Partial<DuoKnobs>): void;
  /** Creates `count` (default 10) single-use bypass codes for a user, as an administrator does in Duo's panel. */
  createBypassCodes(username: string, opts?: { count?: number }): string[];
  /** The Duo Mobile passcode the user's phone shows now (the simulated phone's current passcode). */
  passcodeFor(username: string): string | undefined;
  /** Every authentication the emulator decided, oldest first (what GET /admin/v2/logs/authentication pages through). */
  readonly authLog: ReadonlyArray<AuthLogEntry>;
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
    /** The code typed for 'passcode' (default: the phone's current passcode) or 'bypass_code' (required). */
    opts?: { code?: string },
  ): Promise<
    | { kind: 'redirect'; url: string }
    | { kind: 'denied'; reason: string }
    | { kind: 'error'; status: number; message: string }
  >;
  close(): Promise<void>;
}

export type NewUserPolicy = 'enroll' | 'allow' | 'deny';
/**
 * The person at the prompt: answer a push, or pick one of "Other options" (a Duo Mobile passcode, a bypass code,
 * a phone call), which completeAuthorization() uses with the user's current passcode / next bypass code.
 */
export type PromptOutcome = 'approve' | 'deny' | 'timeout' | 'fraud' | 'passcode' | 'bypass_code' | 'phone_call';

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
  /** What the simulated phone does when Duo calls it: answer and press a key, deny, or not answer. */
  phoneCall?: 'answer' | 'deny' | 'no_answer';
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  /** Parsed x-www-form-urlencoded or multipart/form-data body, if any. */
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

/** 'admin': every /admin/* endpoint. */
export type FaultEndpoint = 'health_check' | 'token' | 'admin';

export type DuoFault =
  | {
      endpoint: FaultEndpoint;
      kind: 'http_500_html' | 'http_503_empty' | 'http_429' | 'connection_reset' | 'malformed_json';
    }
  | { endpoint: FaultEndpoint; kind: 'slow'; delayMs: number }
  | { endpoint: 'health_check'; kind: 'fail_200' | 'fail_400' | 'stat_lowercase_ok' }
  | { endpoint: 'token'; kind: 'invalid_client_401' | 'invalid_grant' | 'token_type_lowercase' }
  | { endpoint: 'token'; kind: 'missing_field'; field: 'id_token' | 'access_token' | 'expires_in' | 'token_type' }
  | { endpoint: 'token'; kind: 'id_token'; mutate: IdTokenMutation[] }
  /** Codes may be redeemed more than once. */
  | { endpoint: 'token'; kind: 'replayable_code' };
