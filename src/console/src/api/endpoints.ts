import type { ChallengeView, MySession, SessionInfo, SetupBody } from '../../../shared/api/session.ts';
import type {
  CreateUserBody,
  ResetMfaPreview,
  ResetMfaResponse,
  UpdateUserBody,
  UserListResponse,
  UserView,
} from '../../../shared/api/users.ts';
import { api, queryString } from './client.ts';

export type SessionResponse = SessionInfo;
export type SessionEnded = NonNullable<SessionInfo['sessionEnded']>;
export type ReauthResult = { status: 'reauthenticated' | 'mfa_required'; redirectTo: string | null };

export interface SystemInfo {
  version: string;
  environment: 'production' | 'development' | 'test';
  database: 'sqlite' | 'postgres';
  nodeVersion: string;
  startedAt: string;
  publicUrl: string | null;
  https: boolean;
  sessionLimits: { idleMinutes: number; absoluteHours: number; freshMinutes: number };
  secretKeyVersion: number;
}

export interface UserListParams {
  q?: string;
  role?: string;
  disabled?: string;
  mfa?: string;
  sort?: string;
  order?: string;
  page?: number;
  pageSize?: number;
}

const userPath = (id: number) => `/api/admin/users/${encodeURIComponent(String(id))}`;

export const endpoints = {
  session: () => api.get<SessionResponse>('/api/session', { quiet: true }),
  setup: (body: SetupBody) => api.post<UserView>('/api/setup', body, { quiet: true }),

  /** The open second-factor step of this browser (the verify page). */
  challenge: (id: string) => api.get<ChallengeView>(`/api/auth/challenges/${encodeURIComponent(id)}`, { quiet: true }),

  me: () => api.get<UserView>('/api/me'),
  mySessions: () => api.get<{ items: MySession[] }>('/api/me/sessions'),
  changePassword: (body: { currentPassword: string; newPassword: string; endOtherSessions: boolean }) =>
    api.post<{ otherSessionsEnded: number }>('/api/me/password', body),
  revokeOtherSessions: () => api.post<{ sessionsEnded: number }>('/api/me/sessions/revoke-others'),
  /** With MFA set up, the answer is `mfa_required` and the page continues at the provider, then comes back to `returnTo`. */
  reauthenticate: (password: string, returnTo: string) =>
    api.post<ReauthResult>('/api/me/reauthenticate', { password, returnTo }, { quiet: true }),

  listUsers: (params: UserListParams, signal?: AbortSignal) =>
    api.get<UserListResponse>(`/api/admin/users${queryString({ ...params })}`, signal ? { signal } : {}),
  /** A download link (the browser fetches it with the session cookie); the server audits the export. */
  usersExportUrl: (params: Omit<UserListParams, 'page' | 'pageSize'>) =>
    `/api/admin/users/export.csv${queryString({ ...params })}`,
  createUser: (body: CreateUserBody) => api.post<UserView>('/api/admin/users', body),
  updateUser: (id: number, body: UpdateUserBody) => api.patch<UserView>(userPath(id), body),
  resetPassword: (id: number, password: string) => api.post<undefined>(`${userPath(id)}/password`, { password }),
  revokeUserSessions: (id: number) => api.post<{ sessionsEnded: number }>(`${userPath(id)}/sessions/revoke`),
  resetUserMfa: (id: number) => api.post<undefined>(`${userPath(id)}/mfa/reset`),
  /** Reset MFA and first remove the user's devices at providers that can (Duo with the Admin API). */
  resetUserMfaRemovingDevices: (id: number) =>
    api.post<ResetMfaResponse>(`${userPath(id)}/mfa/reset`, { removeDevices: true }),
  resetMfaPreview: (id: number) => api.get<ResetMfaPreview>(`${userPath(id)}/mfa/reset`),

  system: () => api.get<SystemInfo>('/api/admin/system'),
};
