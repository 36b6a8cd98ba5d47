import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isStorageUnavailable } from '../db/errors.ts';
import { AppError, ERRORS, type ErrorCode, type FieldErrors } from '../errors/catalogue.ts';
import { safeReturnPath } from '../login/return-path.ts';
import { isFormPost } from './form-post.ts';

/** Turns a Fastify/zod validation failure into per-field messages: `{ username: "Username is required." }`. */
function fieldErrorsOf(error: FastifyError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.validation ?? []) {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const params = issue.params as { keys?: unknown } | undefined;
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(params?.keys)) {
      for (const key of params.keys)
        fields[`${path ? `${path}.` : ''}${String(key)}`] = 'This field is not recognised. Remove it.';
      continue;
    }
    const name = path || '_';
    fields[name] ??= issue.message ?? 'This value is not valid.';
  }
  return fields;
}

function codeForFastifyError(error: FastifyError): ErrorCode | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'BODY_TOO_LARGE';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'UNSUPPORTED_MEDIA_TYPE' : 'MALFORMED_REQUEST';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_BAD_URL':
      return 'MALFORMED_REQUEST';
    default:
      if (error.statusCode === 400 && (error.name === 'SyntaxError' || /JSON/i.test(error.message)))
        return 'MALFORMED_REQUEST';
      if (error.statusCode === 413) return 'BODY_TOO_LARGE';
      if (error.statusCode === 415) return 'UNSUPPORTED_MEDIA_TYPE';
      return null;
  }
}

export function sendError(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  const configured = request.routeOptions.config?.formErrorPage;
  const formErrorPage = typeof configured === 'function' ? configured(request) : configured;
  if (formErrorPage && isFormPost(request)) {
    // A browser form post gets a page back, never a JSON document; the page shows the catalogue message.
    const query = new URLSearchParams({ error: error.code });
    if (error.options.retryAfterSeconds) query.set('retryAfter', String(error.options.retryAfterSeconds));
    const reason = error.options.details?.reason;
    if (typeof reason === 'string') query.set('reason', reason);
    const returnTo = (request.body as { returnTo?: unknown } | undefined)?.returnTo;
    if (safeReturnPath(returnTo, '') !== '') query.set('returnTo', safeReturnPath(returnTo));
    return reply.redirect(`${formErrorPage}${formErrorPage.includes('?') ? '&' : '?'}${query}`, 303);
  }
  if (error.options.retryAfterSeconds) reply.header('Retry-After', String(error.options.retryAfterSeconds));
  return reply
    .status(error.status)
    .type('application/json')
    .send({
      error: {
        code: error.code,
        message: error.message,
        ...(error.options.fields && { fields: error.options.fields }),
        ...(error.options.retryAfterSeconds && { retryAfterSeconds: error.options.retryAfterSeconds }),
        ...(error.options.details && { details: error.options.details }),
        requestId: request.id,
      },
    });
}

/**
 * The one place where errors become HTTP. Known errors keep their status and message; anything else
 * is a 500 with only a reference id — stack traces, SQL and upstream bodies stay in the server log.
 */
export function registerErrorBoundary(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return sendError(reply, request, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      return sendError(reply, request, new AppError('VALIDATION_FAILED', { fields: fieldErrorsOf(error) }));
    }
    const fastifyCode = codeForFastifyError(error);
    if (fastifyCode) return sendError(reply, request, new AppError(fastifyCode));
    if (isStorageUnavailable(error)) {
      request.log.error({ err: { message: error.message, code: error.code } }, 'storage unavailable');
      return sendError(reply, request, new AppError('STORAGE_UNAVAILABLE', { retryAfterSeconds: 5 }));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, request, new AppError('INTERNAL'));
  });
}

export { ERRORS };
