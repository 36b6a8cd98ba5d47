import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DuoFault, FaultEndpoint, IdTokenMutation } from './types.ts';

const SERVER_ERROR_PAGE =
  '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>' +
  '<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>\n';

export const INVALID_ASSERTION = 'The provided client_assertion was invalid.';

/**
 * An RST rather than a FIN: the client sees ECONNRESET, as when a load balancer drops the connection. On a TLS socket
 * resetAndDestroy() does nothing useful; the TCP socket underneath (an internal field) is the one to reset.
 */
function resetConnection(socket: Socket): void {
  const tcp = (socket as Socket & { _parent?: Socket })._parent;
  if (typeof tcp?.resetAndDestroy === 'function') tcp.resetAndDestroy();
  else socket.destroy();
}

export function faultsFor(faults: readonly DuoFault[], endpoint: FaultEndpoint): DuoFault[] {
  return faults.filter((f) => f.endpoint === endpoint);
}

const has = (faults: readonly DuoFault[], kind: DuoFault['kind']): boolean => faults.some((f) => f.kind === kind);

/**
 * Faults that replace the answer before the request is looked at, so an authorization code sent to a failing token
 * endpoint is not consumed and a retry can still redeem it. Returns true when the fault answered the request.
 */
export async function answerWithFault(
  faults: readonly DuoFault[],
  request: FastifyRequest,
  reply: FastifyReply,
  nowSeconds: () => number,
): Promise<boolean> {
  const delay = faults.reduce((total, f) => total + (f.kind === 'slow' ? f.delayMs : 0), 0);
  if (delay > 0) await sleep(delay);
  if (has(faults, 'connection_reset')) {
    reply.hijack();
    resetConnection(request.raw.socket);
    return true;
  }
  if (has(faults, 'http_500_html')) {
    await reply.code(500).type('text/html; charset=utf-8').send(SERVER_ERROR_PAGE);
    return true;
  }
  if (has(faults, 'http_503_empty')) {
    await reply.code(503).removeHeader('content-type').send();
    return true;
  }
  if (has(faults, 'http_429')) {
    // Duo's rate-limit body from its Auth/Admin APIs; the OIDC endpoints' exact 429 body is not documented.
    await reply.code(429).send({ stat: 'FAIL', code: 42901, message: 'Too Many Requests', timestamp: nowSeconds() });
    return true;
  }
  if (has(faults, 'malformed_json')) {
    await reply.code(200).type('application/json').send('{"stat": "OK", "response": {"timestamp": ');
    return true;
  }
  if (has(faults, 'fail_200') || has(faults, 'fail_400')) {
    await reply.code(has(faults, 'fail_400') ? 400 : 200).send({
      stat: 'FAIL',
      code: 40002,
      message: 'invalid_client',
      message_detail: INVALID_ASSERTION,
      timestamp: nowSeconds(),
    });
    return true;
  }
  if (has(faults, 'stat_lowercase_ok')) {
    await reply.code(200).send({ stat: 'ok', response: { timestamp: nowSeconds() } });
    return true;
  }
  if (has(faults, 'invalid_client_401')) {
    await reply.code(401).send({ error: 'invalid_client', error_description: INVALID_ASSERTION });
    return true;
  }
  if (has(faults, 'invalid_grant')) {
    await reply.code(400).send(invalidGrant());
    return true;
  }
  return false;
}

export const invalidGrant = () => ({
  error: 'invalid_grant',
  error_description:
    'The provided authorization grant (e.g., authorization code) or refresh token is invalid, expired, revoked, ' +
    'does not match the redirection URI used in the authorization request, or was issued to another client.',
});

/** Faults that spoil a successful token answer instead of replacing it. */
export function shapeTokenResponse(
  faults: readonly DuoFault[],
  body: Record<string, unknown>,
): Record<string, unknown> {
  const shaped = { ...body };
  for (const f of faults) {
    if (f.kind === 'token_type_lowercase') shaped.token_type = 'bearer';
    if (f.kind === 'missing_field') delete shaped[f.field];
  }
  return shaped;
}

export function idTokenMutations(faults: readonly DuoFault[]): IdTokenMutation[] {
  return faults.flatMap((f) => (f.kind === 'id_token' ? f.mutate : []));
}

export const codesReplayable = (faults: readonly DuoFault[]): boolean => has(faults, 'replayable_code');
