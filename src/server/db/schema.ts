import type { Generated } from 'kysely';

/**
 * Row shapes shared by SQLite and PostgreSQL. Times are milliseconds since the epoch (UTC) in bigint
 * columns and flags are 0/1 integers: one representation that both engines store and return alike
 * (better-sqlite3 cannot bind booleans). Repositories turn rows into domain objects.
 */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  email: string;
  role: 'administrator' | 'user';
  disabled: number;
  password_hash: string;
  password_changed_at: number;
  last_login_at: number | null;
  /** Administrators' break-glass flag: this user signs in without MFA even when it is required. */
  mfa_skip: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  authenticated_at: number;
  auth_level: 'password' | 'mfa' | 'single_factor_bypass';
  ip: string | null;
  user_agent: string | null;
  mfa_provider_id: number | null;
  mfa_factor: string | null;
  /** JSON array of RFC 8176 `amr` values; null on sessions opened before it was recorded. */
  amr: string | null;
  factor_id: string | null;
  /** Opened with a phishing-resistant factor (WebAuthn): applications may require it. */
  phishing_resistant: Generated<number>;
  /** When the session last proved a second factor (sign-in, re-authentication, step-up); null = none recorded. */
  mfa_at: number | null;
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  last_failure_at: number;
  locked_until: number | null;
  /** The lock (its locked_until) whose refusals were already audited: one record per lock window. */
  lock_audited: Generated<number | null>;
}

export interface AuditEventsTable {
  id: Generated<number>;
  occurred_at: number;
  type: string;
  outcome: 'success' | 'failure';
  actor_id: number | null;
  actor_username: string | null;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  ip: string | null;
  user_agent: string | null;
  reason: string | null;
  request_id: string | null;
  details: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
  updated_by: number | null;
}

export interface SetupTokensTable {
  token_hash: string;
  created_at: number;
  expires_at: number;
}

export interface MfaProvidersTable {
  id: Generated<number>;
  name: string;
  /** Lowercased name: names are unique regardless of case. */
  name_key: string;
  type: string;
  enabled: number;
  /** Type-specific settings as JSON (never a secret). */
  config: string;
  /** JSON map of secret key -> sealed value (`v<key version>.<base64url>`). */
  secrets: string;
  last_check_at: number | null;
  last_check_status: string | null;
  last_check_message: string | null;
  /** Set when the record cannot be used (e.g. its secret does not open): shown to administrators. */
  unusable_reason: string | null;
  created_at: number;
  created_by: string | null;
  updated_at: number;
  updated_by: string | null;
  /** Set by `provider apply` (the providers file's name): the next apply overwrites console edits. */
  managed_by: string | null;
}

/** A factor one user holds: a Duo enrolment, an authenticator app, a set of recovery codes. */
export interface UserFactorsTable {
  id: string;
  user_id: number;
  type: string;
  provider_id: number | null;
  label: string;
  /** Sealed (`v<key version>.<base64url>`), bound to `user_factor:<id>:secret`. */
  secret: string | null;
  counter: number | null;
  is_default: number;
  created_at: number;
  last_used_at: number | null;
  /** WebAuthn: the credential id (base64url), unique, for passwordless sign-in. */
  credential_id: Generated<string | null>;
  /** WebAuthn: JSON public data (public key, transports, AAGUID, backup flags, a suspected clone). */
  public_data: Generated<string | null>;
}

/** Passwordless sign-in: a WebAuthn challenge not yet tied to a user (the passkey says whose it is). */
export interface PasskeyChallengesTable {
  id: string;
  challenge: string;
  provider_id: number;
  browser_binding: string;
  return_path: string;
  created_at: number;
  expires_at: number;
}

export interface RecoveryCodesTable {
  factor_id: string;
  code_hash: string;
  used_at: number | null;
}

/** A pending second-factor step for one browser; taken once (DELETE ... RETURNING) when it succeeds. */
export interface MfaChallengesTable {
  id: string;
  lookup_hash: string | null;
  kind: 'redirect' | 'code' | 'enrol_code' | 'ceremony';
  user_id: number;
  factor_id: string | null;
  provider_id: number | null;
  purpose: 'sign_in' | 'configure' | 'reauthenticate' | 'step_up';
  browser_binding: string;
  session_id_hash: string | null;
  return_path: string;
  state: string;
  password_at: number | null;
  attempts: Generated<number>;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
  expires_at: number;
}

/** A place audit events are forwarded to (syslog or a webhook), with its shared delivery state. */
export interface AuditDestinationsTable {
  id: Generated<number>;
  name: string;
  name_key: string;
  kind: 'syslog' | 'webhook';
  enabled: number;
  /** Kind-specific settings as JSON (never a secret). */
  config: string;
  /** JSON map of secret key -> sealed value, like mfa_providers.secrets. */
  secrets: string;
  created_at: number;
  created_by: string | null;
  updated_at: number;
  updated_by: string | null;
  last_delivered_at: number | null;
  last_delivered_event_id: number | null;
  last_error: string | null;
  last_error_at: number | null;
  failures: Generated<number>;
  next_attempt_at: Generated<number>;
}

/** One event to deliver to one destination; written by a trigger with the audit row (ADR 0012). */
export interface AuditOutboxTable {
  id: Generated<number>;
  destination_id: number;
  event_id: number;
  claimed_by: string | null;
  claimed_until: number | null;
}

export interface AuditArchivesTable {
  id: Generated<number>;
  /** The archive holds every event with occurred_at < cutoff at the time it was written. */
  cutoff: number;
  format: 'jsonl' | 'csv';
  rows: number;
  sha256: string;
  created_at: number;
  created_by: string | null;
  pruned_at: number | null;
  pruned_rows: number | null;
  pruned_by: string | null;
}

/** Empty at rest; while a prune runs, the rows older than `cutoff` may be deleted (ADR 0013). */
export interface AuditPruneWindowTable {
  archive_id: number;
  cutoff: number;
}

/** Where the import of one Duo provider's authentication log has got to (ADR 0020). */
export interface DuoAuthLogCursorsTable {
  provider_id: number;
  mintime_ms: number;
  maxtime_ms: number | null;
  next_offset: string | null;
  last_request_at: number | null;
  last_success_at: number | null;
  last_error: string | null;
}

/** An entry of Duo's authentication log copied into the audit log, keyed by Duo's txid. */
export interface DuoAuthLogEntriesTable {
  txid: string;
  provider_id: number;
  occurred_at: number;
  result: string;
  reason: string;
  user_id: number | null;
  imported_at: number;
}

/** One node at a time runs a scheduled job: the one holding its unexpired lease. */
export interface JobLeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

/** A named set of users: access rules name groups, and each group may change the MFA requirement. */
export interface GroupsTable {
  id: Generated<number>;
  name: string;
  name_key: string;
  description: string;
  mfa_policy: 'inherit' | 'required' | 'off';
  created_at: number;
  updated_at: number;
}

export interface GroupMembersTable {
  group_id: number;
  user_id: number;
  added_at: number;
}

/** An application protected behind a reverse proxy; URLs, rules and headers are JSON (see applications/). */
export interface ApplicationsTable {
  id: Generated<number>;
  name: string;
  name_key: string;
  description: string;
  colour: string;
  protocol: 'forward_auth';
  enabled: number;
  urls: string;
  rules: string;
  headers: string;
  created_at: number;
  created_by: string | null;
  updated_at: number;
  updated_by: string | null;
}

/** Keys that sign the identity tokens sent to applications; the private half is sealed, bound to its kid. */
export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  private_key: string;
  created_at: number;
  retired_at: number | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  auth_throttle: AuthThrottleTable;
  audit_events: AuditEventsTable;
  settings: SettingsTable;
  setup_tokens: SetupTokensTable;
  mfa_providers: MfaProvidersTable;
  user_factors: UserFactorsTable;
  recovery_codes: RecoveryCodesTable;
  mfa_challenges: MfaChallengesTable;
  passkey_challenges: PasskeyChallengesTable;
  audit_destinations: AuditDestinationsTable;
  audit_outbox: AuditOutboxTable;
  audit_archives: AuditArchivesTable;
  audit_prune_window: AuditPruneWindowTable;
  duo_auth_log_cursors: DuoAuthLogCursorsTable;
  duo_auth_log_entries: DuoAuthLogEntriesTable;
  job_leases: JobLeasesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  applications: ApplicationsTable;
  signing_keys: SigningKeysTable;
}
