import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';
import type { LogLevel } from '../config/config.ts';

/**
 * Paths that must never reach a log line (ASVS 16.2.5): cookies, CSRF tokens, passwords, secrets, codes.
 * Request URLs are logged without their query string, because Duo's callback carries `duo_code` and
 * `state` there.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.clientSecret',
  '*.client_secret',
  '*.client_assertion',
  '*.token',
  '*.code',
  '*.duo_code',
  '*.id_token',
  '*.state',
  '*.nonce',
];

export function loggerOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req(request: FastifyRequest) {
        return { id: request.id, method: request.method, path: request.url.split('?')[0], ip: request.ip };
      },
      res(reply: FastifyReply) {
        return { statusCode: reply.statusCode };
      },
    },
  };
}
