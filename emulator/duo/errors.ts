import type { FastifyReply } from 'fastify';

/** Bodies Duo reads parameters from: urlencoded (every SDK but PHP) and multipart/form-data (the PHP SDK). */
export const isFormBody = (contentType: string): boolean => {
  const type = contentType.toLowerCase();
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
};

/**
 * Duo's JSON error envelope of its Auth and Admin APIs (and of the health check): `stat`, a five-digit code that
 * starts with the HTTP status, a message and an optional detail.
 */
export function statFail(reply: FastifyReply, status: number, code: number, message: string, detail?: string) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ stat: 'FAIL', code, message, ...(detail === undefined ? {} : { message_detail: detail }) });
}

/** The OAuth 2.0 error body (RFC 6749 §5.2) Duo's OIDC endpoints answer with. */
export const oauthError = (reply: FastifyReply, status: number, error: string, description: string) =>
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send({ error, error_description: description });
