import type { FastifyRequest } from 'fastify';
import type { AuditContext } from '../audit/events.ts';
import type { SessionWithUser } from '../db/repos/sessions-repo.ts';

export interface RequestAuth {
  token: string;
  session: SessionWithUser;
  fresh: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, or null; set once per request by the session hook. */
    auth: RequestAuth | null;
    /** Why a presented session cookie was refused, so the client can say "your session ended". */
    sessionEnded: 'idle' | 'absolute' | 'user_disabled' | null;
  }
  interface FastifyContextConfig {
    /** Routes that accept HTML form posts (sign-in, sign-out); every other route takes JSON only. */
    acceptsForm?: boolean;
    /** Where a failed form post is sent back to (303), with `error=<CODE>`, instead of a JSON error. */
    formErrorPage?: string | ((request: FastifyRequest) => string);
  }
}

/** Who is acting and from where, for audit records. `request.ip` honours only trusted proxies. */
export function auditContextOf(request: FastifyRequest): AuditContext {
  const user = request.auth?.session;
  return {
    actor: user ? { id: user.userId, username: user.user.username } : null,
    ip: request.ip ?? null,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
    requestId: request.id,
  };
}
