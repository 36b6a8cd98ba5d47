import type { AuditListResponse } from '../../../shared/api/audit.ts';
import { api, queryString } from './client.ts';

/** The audit filters as the API takes them (dates as ISO instants). */
export interface AuditFilterParams {
  type?: string;
  actor?: string;
  target?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

export interface AuditListParams extends AuditFilterParams {
  after?: string;
  before?: string;
  pageSize?: number;
  count?: 'exact';
}

export const auditEndpoints = {
  list: (params: AuditListParams, signal?: AbortSignal) =>
    api.get<AuditListResponse>(`/api/admin/audit${queryString({ ...params })}`, signal ? { signal } : {}),
  exportUrl: (format: 'csv' | 'jsonl', params: AuditFilterParams) =>
    `/api/admin/audit/export.${format}${queryString({ ...params })}`,
};
