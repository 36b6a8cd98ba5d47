import type { AuditContext } from '../audit/events.ts';
import type { Repos } from '../db/repos/index.ts';
import type { HealthResult } from '../mfa/provider-type.ts';
import type { FailureCode, Purpose, UnavailableReason } from './outcome.ts';

/** The user a record is about: the portal's own name for them (what the console searches by). */
export type AuditUser = { id: number; username: string } | undefined;

export async function auditMfaFailed(
  repos: Repos,
  context: AuditContext,
  now: number,
  failed: {
    reason: string;
    user: AuditUser;
    provider: string | null;
    purpose: Purpose | null;
    message?: string | null;
    code?: FailureCode;
  },
): Promise<void> {
  await repos.audit.record(
    {
      type: 'login.mfa_failed',
      outcome: 'failure',
      reason: failed.reason,
      ...(failed.user && { target: { type: 'user' as const, id: failed.user.id, label: failed.user.username } }),
      details: { provider: failed.provider, purpose: failed.purpose, message: failed.message ?? null },
    },
    context,
    now,
  );
}

/** The audit reason of a provider that cannot be used, as a category the sign-in page may show. */
export function unavailableReason(auditReason: string): UnavailableReason {
  if (auditReason === 'health_unreachable') return 'outage';
  if (auditReason === 'provider_disabled') return 'provider_disabled';
  if (auditReason === 'no_default_provider') return 'no_default_provider';
  if (auditReason === 'application_url_invalid') return 'application_url';
  return 'provider_error';
}

export async function auditMfaUnavailable(
  repos: Repos,
  context: AuditContext,
  now: number,
  refused: {
    reason: string;
    user: AuditUser;
    provider: { id: number; name: string } | null;
    check: HealthResult | null;
  },
): Promise<void> {
  // The user is the target (who could not sign in); the provider is named in the details.
  const target = refused.user
    ? { type: 'user' as const, id: refused.user.id, label: refused.user.username }
    : refused.provider && { type: 'mfa_provider' as const, id: refused.provider.id, label: refused.provider.name };
  await repos.audit.record(
    {
      type: 'login.mfa_unavailable',
      outcome: 'failure',
      reason: refused.reason,
      ...(target && { target }),
      details: {
        provider: refused.provider?.name ?? null,
        check: refused.check?.status ?? null,
        cause: refused.check?.cause ?? null,
      },
    },
    context,
    now,
  );
}
