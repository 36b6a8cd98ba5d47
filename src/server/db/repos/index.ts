import type { Kysely } from 'kysely';
import { createAuditLog } from '../../audit/audit-log.ts';
import type { Database } from '../schema.ts';
import { createApplicationsRepo } from './applications-repo.ts';
import { createChallengesRepo } from './challenges-repo.ts';
import { createDuoAuthLogRepo } from './duo-auth-log-repo.ts';
import { createGroupsRepo } from './groups-repo.ts';
import { createJobLeasesRepo } from './job-leases-repo.ts';
import { createProvidersRepo } from './providers-repo.ts';
import { createSessionsRepo } from './sessions-repo.ts';
import { createSettingsRepo } from './settings-repo.ts';
import { createSetupTokensRepo } from './setup-tokens-repo.ts';
import { createSigningKeysRepo } from './signing-keys-repo.ts';
import { createThrottleRepo } from './throttle-repo.ts';
import { createUserFactorsRepo } from './user-factors-repo.ts';
import { createUsersRepo } from './users-repo.ts';

/** Every repository bound to one executor: the database, or a transaction so writes commit together. */
export function createRepos(db: Kysely<Database>) {
  return {
    users: createUsersRepo(db),
    sessions: createSessionsRepo(db),
    throttle: createThrottleRepo(db),
    settings: createSettingsRepo(db),
    setupTokens: createSetupTokensRepo(db),
    audit: createAuditLog(db),
    providers: createProvidersRepo(db),
    userFactors: createUserFactorsRepo(db),
    challenges: createChallengesRepo(db),
    duoAuthLog: createDuoAuthLogRepo(db),
    jobLeases: createJobLeasesRepo(db),
    groups: createGroupsRepo(db),
    applications: createApplicationsRepo(db),
    signingKeys: createSigningKeysRepo(db),
  };
}

export type Repos = ReturnType<typeof createRepos>;
