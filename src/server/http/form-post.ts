import type { FastifyRequest } from 'fastify';

/**
 * Whether a request carries an HTML form body. Media types are case-insensitive (RFC 9110 §8.3.1):
 * `APPLICATION/X-WWW-FORM-URLENCODED` is a form too, so it must meet the same rules (issue 12, finding 5).
 */
export function isFormPost(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.trimStart().toLowerCase().startsWith('application/x-www-form-urlencoded');
}
