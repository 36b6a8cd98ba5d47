import type { AuditContext } from '../audit/events.ts';
import type { Repos } from '../db/repos/index.ts';
import type { AuthLevel } from '../db/repos/sessions-repo.ts';
import type { FactorTypeId, HealthStatus } from '../mfa/provider-type.ts';
import type { SessionService } from '../sessions/session-service.ts';
import type { Purpose } from './outcome.ts';

/** How the second step was proven, for the session, the factor's "last used" and the audit log. */
export interface ProvenFactor {
  factorId: string | null;
  type: FactorTypeId;
  providerId: number | null;
  providerName: string | null;
  /** The provider's own name for the method used ("duo_push"), or the type for our own factors. */
  method: string | null;
  txid: string | null;
  /** Set when the sign-in also enrolled the factor (Duo's inline enrolment, a confirmed TOTP). */
  enrolled: { label: string; replaced: string | null } | null;
  recoveryCodesLeft: number | null;
}

export interface OpenSessionInput {
  user: { id: number; username: string };
  authLevel: AuthLevel;
  amr: string[];
  purpose: Purpose;
  /** When the user proved who they are: the password step's time (it stays the session's auth time). */
  authTime: number;
  factor: ProvenFactor | null;
  bypass: { provider: string; check: HealthStatus; cause: string | null } | null;
  /** The session this browser held: ended here, in the same transaction; a re-authentication keeps its start. */
  replaces: { idHash: string; userId: number; createdAt: number; expiresAt: number } | null;
  /** Proven with a factor bound to the portal's origin (WebAuthn). */
  phishingResistant?: boolean;
}

/**
 * Opens the session that ends a sign-in, inside the caller's transaction: the session row, the user's
 * last sign-in, the factor's last use (or its enrolment), and the audit records commit together or not
 * at all (ASVS 16.5.3). A new session id every time (ASVS 7.2.4).
 */
export async function openSession(
  repos: Repos,
  sessions: SessionService,
  input: OpenSessionInput,
  context: AuditContext,
  now: number,
) {
  const { user, factor } = input;
  const actorContext = { ...context, actor: { id: user.id, username: user.username } };
  const target = { type: 'user' as const, id: user.id, label: user.username };
  const continued = input.replaces && input.replaces.userId === user.id && input.purpose !== 'sign_in';
  if (input.replaces) await repos.sessions.delete(input.replaces.idHash);
  const created = await sessions.create(repos, user.id, input.authLevel, {
    ip: context.ip,
    userAgent: context.userAgent,
    authenticatedAt: input.authTime,
    amr: input.amr,
    factorId: factor?.factorId ?? null,
    phishingResistant: input.phishingResistant === true,
    ...(factor?.providerId != null && { mfa: { providerId: factor.providerId, factor: factor.method } }),
    // Confirming who you are mid-session is not a new session: "Session started" and its 12-hour limit stay.
    ...(continued &&
      input.replaces && { keep: { createdAt: input.replaces.createdAt, expiresAt: input.replaces.expiresAt } }),
  });
  await repos.users.recordLogin(user.id, now);
  if (factor?.enrolled) {
    await repos.audit.record(
      {
        type: 'user.mfa_configured',
        outcome: 'success',
        target,
        details: {
          provider: factor.providerName ?? factor.type,
          replaced: factor.enrolled.replaced,
          factor: factor.method,
          txid: factor.txid,
          method: factor.type,
          label: factor.enrolled.label,
        },
      },
      actorContext,
      now,
    );
  } else if (factor?.factorId) {
    await repos.userFactors.touch(factor.factorId, now);
  }
  if (input.bypass) {
    await repos.audit.record(
      { type: 'login.mfa_bypassed', outcome: 'success', reason: 'fail_open', target, details: input.bypass },
      actorContext,
      now,
    );
  }
  if (factor?.type === 'recovery_codes') {
    await repos.audit.record(
      {
        type: 'login.recovery_code_used',
        outcome: 'success',
        target,
        details: { remaining: factor.recoveryCodesLeft ?? 0, purpose: input.purpose },
      },
      actorContext,
      now,
    );
  }
  await repos.audit.record(
    {
      type: 'login.succeeded',
      outcome: 'success',
      target,
      details: {
        authLevel: input.authLevel,
        amr: input.amr,
        ...(input.purpose !== 'sign_in' && { purpose: input.purpose }),
        ...(factor && {
          method: factor.type,
          provider: factor.providerName ?? factor.type,
          factor: factor.method,
          txid: factor.txid,
          enrolled: factor.enrolled !== null,
        }),
      },
    },
    actorContext,
    now,
  );
  return created;
}
