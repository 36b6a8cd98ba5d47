import type { AuditListResponse } from '../../../shared/api/audit.ts';
import type {
  CreateDestinationBody,
  DestinationTestResult,
  DestinationView,
  UpdateDestinationBody,
} from '../../../shared/api/audit-forwarding.ts';
import type { ArchiveView, PruneResult, RetentionPreview } from '../../../shared/api/audit-retention.ts';
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

const destinationPath = (id: number) => `/api/admin/audit/destinations/${encodeURIComponent(String(id))}`;

export const forwardingEndpoints = {
  list: () => api.get<{ items: DestinationView[] }>('/api/admin/audit/destinations'),
  create: (body: CreateDestinationBody) => api.post<DestinationView>('/api/admin/audit/destinations', body),
  update: (id: number, body: UpdateDestinationBody) => api.patch<DestinationView>(destinationPath(id), body),
  remove: (id: number) => api.delete<undefined>(destinationPath(id)),
  test: (id: number) => api.post<DestinationTestResult>(`${destinationPath(id)}/test`),
};

export const retentionEndpoints = {
  preview: (olderThanDays: number, signal?: AbortSignal) =>
    api.get<RetentionPreview>(`/api/admin/audit/retention${queryString({ olderThanDays })}`, signal ? { signal } : {}),
  archives: () => api.get<{ items: ArchiveView[] }>('/api/admin/audit/archives'),
  archiveUrl: (olderThanDays: number) => `/api/admin/audit/archive.jsonl${queryString({ olderThanDays })}`,
  prune: (archiveId: number) => api.post<PruneResult>(`/api/admin/audit/archives/${archiveId}/prune`),
};
