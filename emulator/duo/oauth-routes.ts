import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { checkAuthorizeRequest } from './authorize-request.ts';
import { checkClientAssertion, peekClaims } from './client-jwt.ts';
import { type EmulatorContext, readParams } from './context.ts';
import { oauthError } from './errors.ts';
import {
  answerWithFault,
  codesReplayable,
  faultsFor,
  INVALID_ASSERTION,
  idTokenMutations,
  invalidGrant,
  shapeTokenResponse,
} from './faults.ts';
import { idTokenClaims, signIdToken } from './id-token.ts';
import { sendFlowResult } from './prompt-routes.ts';
import { applicationType, type StoredClient } from './store.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const TOKEN_PARAMS = ['grant_type', 'code', 'redirect_uri', 'client_id', 'client_assertion_type', 'client_assertion'];
const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;

function healthFail(reply: FastifyReply, ctx: EmulatorContext, code: number, message: string, detail: string) {
  // Duo's HTTP status for a failed health check is not documented: the Node and Go SDKs' fixtures give the FAIL
  // envelope with a 2xx answer, so 200 is the default and 400 a knob.
  return reply
    .code(ctx.knobs().healthCheckFailStatus)
    .send({ stat: 'FAIL', code, message, message_detail: detail, timestamp: ctx.nowSeconds() });
}

/**
 * The credentials of an Admin API or Auth API application are not OIDC credentials: Duo answers
 * {"error":"unauthorized_request","error_description":"Unauthorized OIDC request"} (duo_universal_csharp#14, #45,
 * fixed there by creating a Web SDK application).
 */
const notWebSdk = (client: StoredClient | undefined): boolean =>
  client !== undefined && applicationType(client) !== 'web_sdk';
const unauthorizedOidc = (reply: FastifyReply) =>
  oauthError(reply, 401, 'unauthorized_request', 'Unauthorized OIDC request');

/** Signature and claims, then (unless the knob says otherwise) the jti must not have been used before. */
async function assertionAccepted(ctx: EmulatorContext, assertion: string, client: StoredClient, audience: string) {
  const check = await checkClientAssertion(assertion, client, audience, ctx.nowSeconds());
  if (!check.ok || ctx.knobs().jtiReplay === 'accept') return check;
  const claims = peekClaims(assertion) ?? {};
  const exp = Number(claims.exp);
  return ctx.state.firstUseOfJti(client.clientId, String(claims.jti), exp)
    ? check
    : { ok: false, problem: 'jti was already used' };
}
export function registerOauthRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/oauth/v1/health_check', async (request, reply) => {
    if (await answerWithFault(faultsFor(ctx.faults(), 'health_check'), request, reply, ctx.nowSeconds)) return reply;
    const read = readParams(request, ['client_id', 'client_assertion']);
    if (!read.ok) return healthFail(reply, ctx, 40001, 'Invalid request parameters', `${read.duplicated} sent twice`);
    const { client_id: clientId, client_assertion: assertion } = read.values;
    if (!clientId || !assertion)
      return healthFail(reply, ctx, 40001, 'Missing required request parameters', 'client_id, client_assertion');
    const client = ctx.store.getClient(clientId);
    if (notWebSdk(client)) return unauthorizedOidc(reply);
    if (!client) return healthFail(reply, ctx, 40002, 'invalid_client', INVALID_ASSERTION);
    const audience = `${ctx.baseUrl()}/oauth/v1/health_check`;
    const check = await assertionAccepted(ctx, assertion, client, audience);
    if (check.signatureFailed) return healthFail(reply, ctx, 40002, 'invalid_client', 'Failed to verify signature.');
    if (!check.ok) return healthFail(reply, ctx, 40002, 'invalid_client', INVALID_ASSERTION);
    return reply.send({ stat: 'OK', response: { timestamp: ctx.nowSeconds() } });
  });

  app.get('/oauth/v1/authorize', async (request, reply) => {
    const check = await checkAuthorizeRequest(request.query as Record<string, string | string[]>, {
      baseUrl: ctx.baseUrl(),
      nowSeconds: ctx.nowSeconds(),
      findClient: (id) => ctx.store.getClient(id),
    });
    // Duo answers a refused authorize request with a JSON error body, not a page (duo_universal_csharp#14).
    if (!check.ok) return oauthError(reply, check.status, check.error, check.message);
    return sendFlowResult(reply, ctx.flow.begin(check.request, request.ip), check.request.client.name);
  });

  app.post('/oauth/v1/token', async (request, reply) => {
    const faults = faultsFor(ctx.faults(), 'token');
    if (await answerWithFault(faults, request, reply, ctx.nowSeconds)) return reply;
    const read = readParams(request, TOKEN_PARAMS);
    if (!read.ok) return oauthError(reply, 400, 'invalid_request', `${read.duplicated}: ['Sent more than once.']`);
    const p = read.values;
    if (!p.grant_type)
      return oauthError(reply, 400, 'invalid_request', "grant_type: ['Missing data for required field.']");
    if (p.grant_type !== 'authorization_code')
      return oauthError(reply, 400, 'unsupported_grant_type', 'The authorization grant type is not supported.');
    if (!p.code) return oauthError(reply, 400, 'invalid_request', "code: ['Missing data for required field.']");
    if (!p.redirect_uri || p.redirect_uri.length > 256)
      return oauthError(reply, 400, 'invalid_request', "redirect_uri: ['Length must be between 1 and 256.']");
    if (p.client_assertion_type !== JWT_BEARER || !p.client_assertion)
      return oauthError(reply, 400, 'invalid_client', INVALID_ASSERTION);
    // Java omits client_id: the assertion's iss then names the client.
    const iss = peekClaims(p.client_assertion)?.iss;
    if (p.client_id !== undefined && p.client_id !== iss)
      return oauthError(
        reply,
        400,
        'invalid_client',
        'Invalid Client assertion: The `iss` claim must match the supplied client_id',
      );
    const client = typeof iss === 'string' ? ctx.store.getClient(iss) : undefined;
    if (notWebSdk(client)) return unauthorizedOidc(reply);
    if (!client) return oauthError(reply, 400, 'invalid_client', INVALID_ASSERTION);
    const audience = `${ctx.baseUrl()}/oauth/v1/token`;
    const check = await assertionAccepted(ctx, p.client_assertion, client, audience);
    if (!check.ok) return oauthError(reply, 400, 'invalid_client', INVALID_ASSERTION);
    // An account without the Universal Prompt answers the token call with this 401 (duo_universal_java#8).
    if (!ctx.knobs().framelessAccess)
      return oauthError(reply, 401, 'invalid_client', 'Customer does not have frameless access enabled.');

    const issued = ctx.state.lookupCode(p.code);
    const reusable = issued && (!issued.used || codesReplayable(faults));
    if (!issued || !reusable || issued.clientId !== client.clientId || issued.redirectUri !== p.redirect_uri)
      return oauthError(reply, 400, invalidGrant().error, invalidGrant().error_description);
    issued.used = true;

    const nowSeconds = ctx.nowSeconds();
    const claims = idTokenClaims(issued, { issuer: audience, nowSeconds, clientName: client.name });
    const idToken = await signIdToken(claims, client.clientSecret, idTokenMutations(faults), nowSeconds);
    const body = {
      id_token: idToken,
      access_token: randomBytes(24).toString('base64url'),
      expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
      token_type: 'Bearer',
    };
    return reply.code(200).header('cache-control', 'no-store').send(shapeTokenResponse(faults, body));
  });
}
