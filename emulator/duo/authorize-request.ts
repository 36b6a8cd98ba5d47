import { type Claims, expiryProblem, notYetValid, peekClaims, verifyHs512 } from './client-jwt.ts';
import { applicationType, type StoredClient } from './store.ts';

export interface AuthorizeRequest {
  client: StoredClient;
  redirectUri: string;
  state: string;
  duoUname: string;
  nonce?: string;
  /** Callback parameter name: duo_code when use_duo_code_attribute is truthy, else code. */
  codeParam: 'duo_code' | 'code';
}

export type AuthorizeCheck =
  | { ok: true; request: AuthorizeRequest }
  | { ok: false; status: number; error: string; message: string };

export interface AuthorizeContext {
  baseUrl: string;
  nowSeconds: number;
  findClient(clientId: string): StoredClient | undefined;
}

const fail = (message: string, status = 400, error = 'invalid_request'): AuthorizeCheck => ({
  ok: false,
  status,
  error,
  message,
});

function single(query: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? undefined : value;
}

/** Node/Python/PHP/Go send true, C# the string "true" and omits the claim when off. */
const truthy = (value: unknown): boolean =>
  value === true || value === 1 || (typeof value === 'string' && ['true', '1'].includes(value.toLowerCase()));

/**
 * No upper length here: Duo lets a redirect_uri over 256 characters through the prompt and refuses it only at the
 * token call (duo_universal_java#14), so a portal with a long callback URL finds out after the user approved.
 */
function redirectUriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string' || uri.length < 1) return "redirect_uri: ['Length must be between 1 and 256.']";
  try {
    const { protocol } = new URL(uri);
    return protocol === 'https:' || protocol === 'http:' ? undefined : 'redirect_uri must be an http(s) URL';
  } catch {
    return 'redirect_uri must be an absolute URL';
  }
}

function claimsProblem(claims: Claims, clientId: string, ctx: AuthorizeContext): string | undefined {
  if (claims.client_id !== clientId) return 'The request JWT client_id does not match the client_id parameter.';
  // Java omits iss and aud; Node/PHP/Python/Go send aud = https://<host>, C# the authorize URL.
  if (claims.iss !== undefined && claims.iss !== clientId) return 'The request JWT iss must be the client ID.';
  const audiences = [ctx.baseUrl, `${ctx.baseUrl}/oauth/v1/authorize`];
  if (claims.aud !== undefined && !(typeof claims.aud === 'string' && audiences.includes(claims.aud)))
    return `The request JWT aud must be ${ctx.baseUrl}.`;
  if (claims.response_type !== 'code') return "response_type must be 'code'.";
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes('openid'))
    return "scope must include 'openid'.";
  const redirect = redirectUriProblem(claims.redirect_uri);
  if (redirect) return redirect;
  if (typeof claims.state !== 'string' || claims.state.length < 16 || claims.state.length > 1024)
    return "state: ['Length must be between 16 and 1024.']";
  if (typeof claims.duo_uname !== 'string' || claims.duo_uname.trim() === '') return 'duo_uname must not be empty.';
  const expiry = expiryProblem(claims.exp, ctx.nowSeconds);
  if (expiry) return `The request JWT is invalid: ${expiry}.`;
  if (notYetValid(claims, ctx.nowSeconds)) return 'The request JWT is not valid yet (nbf).';
  if (claims.nonce !== undefined && typeof claims.nonce !== 'string') return 'nonce must be a string.';
  return undefined;
}

/**
 * Everything GET /oauth/v1/authorize checks before it shows a prompt. A failure never redirects: the redirect_uri
 * comes from a JWT we could not trust, so sending the browser there would make the emulator an open redirector.
 */
export async function checkAuthorizeRequest(
  query: Record<string, string | string[] | undefined>,
  ctx: AuthorizeContext,
): Promise<AuthorizeCheck> {
  const clientId = single(query, 'client_id');
  const requestJwt = single(query, 'request');
  if (single(query, 'response_type') !== 'code') return fail("The response_type parameter must be 'code'.");
  if (!clientId) return fail('The client_id parameter is missing.');
  if (!requestJwt) return fail('The request parameter is missing.');
  const client = ctx.findClient(clientId);
  if (!client) return fail('Invalid client_id: no Duo application has this Client ID.', 401, 'invalid_client');
  if (applicationType(client) !== 'web_sdk') return fail('Unauthorized OIDC request', 401, 'unauthorized_request');
  if (!peekClaims(requestJwt)) return fail('The request parameter is not a JWT.');
  const claims = await verifyHs512(requestJwt, client.clientSecret);
  if (!claims)
    return fail('The request JWT signature could not be verified with this client’s secret.', 401, 'invalid_client');
  const problem = claimsProblem(claims, clientId, ctx);
  if (problem) return fail(problem);
  // Python sends the nonce as a top-level parameter; the signed claim wins when both are present.
  const nonce = typeof claims.nonce === 'string' ? claims.nonce : single(query, 'nonce');
  return {
    ok: true,
    request: {
      client,
      redirectUri: claims.redirect_uri as string,
      state: claims.state as string,
      duoUname: claims.duo_uname as string,
      ...(nonce ? { nonce } : {}),
      codeParam: truthy(claims.use_duo_code_attribute) ? 'duo_code' : 'code',
    },
  };
}

export function callbackUrl(request: AuthorizeRequest, code: string): string {
  const url = new URL(request.redirectUri);
  url.searchParams.set(request.codeParam, code);
  url.searchParams.set('state', request.state);
  return url.toString();
}
