import type {
  ApplicationUrlPreview,
  ApplicationUrlView,
  Attention,
  DiagnosticsResponse,
  FactorViewData,
  MfaPolicyView,
  MyMfa,
} from '../../../shared/api/mfa.ts';
import type {
  CreateProviderBody,
  HealthResultView,
  ProviderListResponse,
  ProviderSaveResponse,
  ProviderTypeView,
  ProviderView,
  UpdateProviderBody,
} from '../../../shared/api/providers.ts';
import { api, queryString } from './client.ts';

export interface ProviderListParams {
  id?: string;
  name?: string;
  type?: string;
  enabled?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

export type MfaPolicyState = MfaPolicyView & {
  allowedTypes: string[];
  recoveryCodes: boolean;
  adminPhishingResistant: boolean;
  passwordless: boolean;
  administratorsWithMfa: string[];
  administratorsWithKeys: string[];
  usersWithoutMfa: number;
};

const base = '/api/admin/mfa/providers';
const providerPath = (id: number) => `${base}/${encodeURIComponent(String(id))}`;
const factorPath = (id: string) => `/api/me/factors/${encodeURIComponent(id)}`;
const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

/** Settings > MFA (providers, policy), Settings > System (Application URL, diagnostics), Home and My account's MFA. */
export const mfaEndpoints = {
  providerTypes: () => api.get<{ items: ProviderTypeView[] }>('/api/admin/mfa/provider-types'),
  listProviders: (params: ProviderListParams, signal?: AbortSignal) =>
    api.get<ProviderListResponse>(`${base}${queryString({ ...params })}`, withSignal(signal)),
  providersExportUrl: (params: Omit<ProviderListParams, 'page' | 'pageSize'>) =>
    `${base}/export.csv${queryString({ ...params })}`,
  provider: (id: number) => api.get<ProviderView>(providerPath(id)),
  createProvider: (body: CreateProviderBody) => api.post<ProviderSaveResponse>(base, body),
  updateProvider: (id: number, body: UpdateProviderBody) => api.patch<ProviderSaveResponse>(providerPath(id), body),
  testProvider: (id: number) => api.post<HealthResultView>(`${providerPath(id)}/test`),
  dependents: (id: number) => api.get<{ total: number; usernames: string[] }>(`${providerPath(id)}/dependents`),
  deleteProvider: (id: number, confirmAffectedUsers?: number) =>
    api.delete<undefined>(providerPath(id), confirmAffectedUsers === undefined ? {} : { confirmAffectedUsers }),

  /** My account: my methods (each change needs a recent sign-in; the client asks for one when needed). */
  renameFactor: (id: string, label: string) => api.patch<{ ok: true }>(factorPath(id), { label }),
  makeDefaultFactor: (id: string) => api.patch<{ ok: true }>(factorPath(id), { isDefault: true }),
  removeFactor: (id: string) => api.delete<{ sessionsEnded: number }>(factorPath(id)),
  generateRecoveryCodes: () => api.post<{ codes: string[] }>('/api/me/recovery-codes'),
  /** Settings › Users: a user's methods, and removing one (their sessions end). */
  userFactors: (userId: number) => api.get<{ items: FactorViewData[] }>(`/api/admin/users/${userId}/factors`),
  removeUserFactor: (userId: number, id: string) =>
    api.delete<{ sessionsEnded: number }>(`/api/admin/users/${userId}/factors/${encodeURIComponent(id)}`),

  policy: () => api.get<MfaPolicyState>('/api/admin/mfa/policy'),
  setPolicy: (body: MfaPolicyView) => api.put<MfaPolicyState>('/api/admin/mfa/policy', body),

  applicationUrl: () => api.get<ApplicationUrlView>('/api/admin/settings/application-url'),
  /** What a change would do (the diagnostics against the new value, who it affects); changes nothing. */
  checkApplicationUrl: (applicationUrl: string) =>
    api.post<ApplicationUrlPreview>('/api/admin/settings/application-url/check', { applicationUrl }),
  setApplicationUrl: (applicationUrl: string, confirmAffectedUsers?: number) =>
    api.put<ApplicationUrlView>('/api/admin/settings/application-url', {
      applicationUrl,
      ...(confirmAffectedUsers !== undefined && { confirmAffectedUsers }),
    }),
  diagnostics: () => api.post<DiagnosticsResponse>('/api/admin/diagnostics'),
  /** Home, for administrators: MFA bypassed or refused at sign-in in the last 24 hours, failing providers. */
  attention: () => api.get<Attention>('/api/admin/attention'),

  myMfa: () => api.get<MyMfa>('/api/me/mfa'),
};
