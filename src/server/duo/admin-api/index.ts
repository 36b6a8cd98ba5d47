export type { AuthLogQuery, DuoAdminClient, DuoAdminOptions, DuoAdminSettings } from './client.ts';
export { createDuoAdminClient } from './client.ts';
export type { DuoAdminPhone, DuoAdminSummary, DuoAdminUser, DuoAuthLogEntry, DuoUserStatus } from './results.ts';
export { signRequest } from './signing.ts';
