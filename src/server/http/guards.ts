import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/catalogue.ts';
import type { RequestAuth } from './request-context.ts';

export function requireUser(request: FastifyRequest): RequestAuth {
  if (!request.auth) {
    if (request.sessionEnded) throw new AppError('SESSION_EXPIRED', { details: { reason: request.sessionEnded } });
    throw new AppError('AUTH_REQUIRED');
  }
  return request.auth;
}

export function requireAdministrator(request: FastifyRequest): RequestAuth {
  const auth = requireUser(request);
  if (auth.session.user.role !== 'administrator') throw new AppError('FORBIDDEN');
  return auth;
}

/** Sensitive changes need a recent sign-in, not just a live session (ASVS 7.5.1). */
export function requireFreshSession(request: FastifyRequest): RequestAuth {
  const auth = requireUser(request);
  if (!auth.fresh) throw new AppError('REAUTH_REQUIRED');
  return auth;
}
