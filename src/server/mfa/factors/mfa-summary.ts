import type { Repos } from '../../db/repos/index.ts';
import type { UserFactor } from '../../db/repos/user-factors-repo.ts';

/** A user's MFA at a glance (the Users page's MFA column, My account's status): the factor offered first. */
export interface UserMfaSummary {
  providerId: number;
  providerName: string;
  providerEnabled: boolean;
  configuredAt: number;
  lastUsedAt: number | null;
  /** How many factors the user holds, recovery codes included. */
  factorCount: number;
  /** The kinds of factor held: duo, totp, recovery_codes. */
  methods: string[];
}

export function summaryOf(factors: UserFactor[]): UserMfaSummary | null {
  const main = factors.filter((factor) => factor.providerId !== null && factor.provider);
  const primary = main.find((factor) => factor.isDefault) ?? main[0];
  if (!primary?.provider || primary.providerId === null) return null;
  const lastUsed = factors.map((factor) => factor.lastUsedAt ?? 0).reduce((a, b) => Math.max(a, b), 0);
  return {
    providerId: primary.providerId,
    providerName: primary.provider.name,
    providerEnabled: primary.provider.enabled,
    configuredAt: primary.createdAt,
    lastUsedAt: lastUsed === 0 ? null : lastUsed,
    factorCount: factors.length,
    methods: [...new Set(factors.map((factor) => factor.type))].sort(),
  };
}

export async function mfaSummaries(repos: Repos, userIds: number[]): Promise<Map<number, UserMfaSummary>> {
  const byUser = await repos.userFactors.forUsers(userIds);
  const result = new Map<number, UserMfaSummary>();
  for (const [userId, factors] of byUser) {
    const summary = summaryOf(factors);
    if (summary) result.set(userId, summary);
  }
  return result;
}
