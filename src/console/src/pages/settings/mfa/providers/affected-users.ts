import type { HealthResultView } from '../../../../../../shared/api/providers.ts';
import type { ApiError } from '../../../../api/client.ts';

export interface Affected {
  total: number;
  usernames: string[];
}

/** PROVIDER_IN_USE carries who is affected now (the count may have changed since it was shown). */
export function affectedFrom(error: ApiError): Affected | null {
  if (error.code !== 'PROVIDER_IN_USE') return null;
  const total = error.details.affectedUsers;
  const usernames = error.details.usernames;
  if (typeof total !== 'number') return null;
  return {
    total,
    usernames: Array.isArray(usernames) ? usernames.filter((name): name is string => typeof name === 'string') : [],
  };
}

/** PROVIDER_UNREACHABLE and PROVIDER_CHECK_FAILED carry the live check that refused the change. */
export function checkFrom(error: ApiError): HealthResultView | null {
  const check = error.details.check;
  if (!check || typeof check !== 'object') return null;
  const candidate = check as Partial<HealthResultView>;
  return typeof candidate.status === 'string' && typeof candidate.message === 'string'
    ? (check as HealthResultView)
    : null;
}
