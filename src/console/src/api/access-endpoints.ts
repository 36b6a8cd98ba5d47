import type {
  AccessTestBody,
  AccessTestResult,
  ApplicationBody,
  ApplicationListResponse,
  ApplicationView,
  StepUpView,
} from '../../../shared/api/applications.ts';
import type {
  CreateGroupBody,
  GroupDetail,
  GroupListResponse,
  GroupView,
  UpdateGroupBody,
} from '../../../shared/api/groups.ts';
import { api, queryString } from './client.ts';

export interface ApplicationListParams {
  name?: string;
  host?: string;
  enabled?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

const groups = '/api/admin/groups';
const applications = '/api/admin/applications';
const groupPath = (id: number) => `${groups}/${encodeURIComponent(String(id))}`;
const applicationPath = (id: number) => `${applications}/${encodeURIComponent(String(id))}`;
const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

/** Settings > Access > Groups, Settings > Applications and the rule tester, and the step-up page. */
export const accessEndpoints = {
  listGroups: (params: { q?: string; page?: number; pageSize?: number }, signal?: AbortSignal) =>
    api.get<GroupListResponse>(`${groups}${queryString({ ...params })}`, withSignal(signal)),
  group: (id: number) => api.get<GroupDetail>(groupPath(id)),
  createGroup: (body: CreateGroupBody) => api.post<GroupView>(groups, body),
  updateGroup: (id: number, body: UpdateGroupBody) => api.patch<GroupDetail>(groupPath(id), body),
  deleteGroup: (id: number) => api.delete<undefined>(groupPath(id)),
  addMembers: (id: number, userIds: number[]) => api.post<{ added: number }>(`${groupPath(id)}/members`, { userIds }),
  removeMember: (id: number, userId: number) => api.delete<undefined>(`${groupPath(id)}/members/${userId}`),
  memberships: (userIds: number[], signal?: AbortSignal) =>
    api.get<{ items: Array<{ userId: number; groups: Array<{ id: number; name: string }> }> }>(
      `${groups}/memberships${queryString({ userIds: userIds.join(',') })}`,
      withSignal(signal),
    ),

  listApplications: (params: ApplicationListParams, signal?: AbortSignal) =>
    api.get<ApplicationListResponse>(`${applications}${queryString({ ...params })}`, withSignal(signal)),
  applicationsExportUrl: (params: Omit<ApplicationListParams, 'page' | 'pageSize'>) =>
    `${applications}/export.csv${queryString({ ...params })}`,
  application: (id: number) => api.get<ApplicationView>(applicationPath(id)),
  createApplication: (body: ApplicationBody) => api.post<ApplicationView>(applications, body),
  updateApplication: (id: number, body: ApplicationBody) => api.put<ApplicationView>(applicationPath(id), body),
  deleteApplication: (id: number) => api.delete<undefined>(applicationPath(id)),
  testAccess: (body: AccessTestBody) => api.post<AccessTestResult>('/api/admin/access/test', body),

  stepUp: (rd: string) => api.get<StepUpView>(`/api/authz/step-up${queryString({ rd })}`),
};
