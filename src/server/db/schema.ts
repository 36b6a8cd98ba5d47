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
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  last_failure_at: number;
  locked_until: number | null;
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

export interface UserMfaTable {
  user_id: number;
  provider_id: number;
  configured_at: number;
  last_used_at: number | null;
}

export interface LoginTransactionsTable {
  state_hash: string;
  nonce: string;
  purpose: 'sign_in' | 'configure' | 'reauthenticate';
  user_id: number;
  provider_id: number;
  browser_binding: string;
  session_id_hash: string | null;
  return_path: string;
  provider_username: string;
  enrolling: number;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
  expires_at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  auth_throttle: AuthThrottleTable;
  audit_events: AuditEventsTable;
  settings: SettingsTable;
  setup_tokens: SetupTokensTable;
  mfa_providers: MfaProvidersTable;
  user_mfa: UserMfaTable;
  login_transactions: LoginTransactionsTable;
}
