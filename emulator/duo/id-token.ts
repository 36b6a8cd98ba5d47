import { CompactSign, generateKeyPair } from 'jose';
import { isoMicros } from './auth-log.ts';
import type { Claims } from './client-jwt.ts';
import type { IssuedCode } from './flow-state.ts';
import { aliasOf, PHONE_IP } from './prompt-flow.ts';
import { clientSecret as randomSecret } from './random.ts';
import type { IdTokenMutation } from './types.ts';

/** Real Duo tokens seen in public put exp one hour after the second factor. */
const ID_TOKEN_LIFETIME_SECONDS = 3600;

const UNKNOWN_LOCATION = { city: null, state: null, country: null };
// The simulated phone is somewhere; a fixed documentation address keeps tokens deterministic in shape.
const PHONE_LOCATION = { city: 'Ann Arbor', state: 'Michigan', country: 'United States' };

export interface IdTokenContext {
  issuer: string;
  nowSeconds: number;
  clientName: string;
}

function authDevice(code: IssuedCode) {
  const device = code.outcome.device;
  return device
    ? { ip: PHONE_IP, location: PHONE_LOCATION, name: device.name, key: device.key }
    : { ip: null, location: UNKNOWN_LOCATION, name: null, key: null };
}

/** The id_token claim set Duo's SDK models and fixtures show, for a code Duo issued after an allowed login. */
export function idTokenClaims(code: IssuedCode, ctx: IdTokenContext): Claims {
  const authIso = isoMicros(code.authTime * 1000);
  return {
    iss: ctx.issuer,
    aud: code.clientId,
    sub: code.sub,
    exp: code.authTime + ID_TOKEN_LIFETIME_SECONDS,
    iat: ctx.nowSeconds,
    auth_time: code.authTime,
    // Duo stores user names and aliases lowercased and answers with its own copy (duo_universal_csharp#47).
    preferred_username: code.duoUname.toLowerCase(),
    ...(code.nonce ? { nonce: code.nonce } : {}),
    auth_result: { result: 'allow', status: 'allow', status_msg: 'Login Successful' },
    auth_context: {
      txid: code.txid,
      timestamp: code.authTime,
      isotimestamp: authIso,
      event_type: 'authentication',
      result: 'success',
      reason: code.outcome.reason,
      factor: code.outcome.factor,
      alias: aliasOf(code.duoUname, code.sub),
      email: '',
      user: { name: code.sub, key: code.userKey, groups: [] },
      application: { name: ctx.clientName, key: code.clientId },
      auth_device: authDevice(code),
      access_device: {
        ip: code.accessIp,
        location: UNKNOWN_LOCATION,
        hostname: null,
        epkey: null,
        os: null,
        os_version: null,
        browser: null,
        browser_version: null,
        flash_version: 'uninstalled',
        java_version: 'uninstalled',
        is_encryption_enabled: 'unknown',
        is_firewall_enabled: 'unknown',
        is_password_set: 'unknown',
      },
      ood_software: null,
      trusted_endpoint_status: 'unknown',
    },
  };
}

type Signing = { kind: 'hs512'; secret: string } | { kind: 'hs256' } | { kind: 'none' } | { kind: 'rs256' };

const AUTH_RESULTS = {
  deny: { result: { result: 'deny', status: 'deny', status_msg: 'Login denied' }, context: ['denied', 'user_mistake'] },
  fraud: {
    result: { result: 'deny', status: 'fraud', status_msg: 'Login reported as fraudulent' },
    context: ['fraud', 'user_marked_fraud'],
  },
} as const;

function mutate(claims: Claims, mutation: IdTokenMutation, nowSeconds: number): void {
  switch (mutation.type) {
    case 'set':
      claims[mutation.claim] = mutation.value;
      return;
    case 'remove':
      delete claims[mutation.claim];
      return;
    case 'shift':
      claims[mutation.claim] = nowSeconds + mutation.seconds;
      return;
    case 'auth_result': {
      const { result, context } = AUTH_RESULTS[mutation.status];
      claims.auth_result = { ...result };
      const authContext = claims.auth_context as Record<string, unknown> | undefined;
      if (authContext) [authContext.result, authContext.reason] = context;
      return;
    }
    default:
      return;
  }
}

let attackerKey: Promise<Parameters<CompactSign['sign']>[0]> | undefined;

async function sign(claims: Claims, signing: Signing, secret: string): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(claims));
  if (signing.kind === 'none') {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    return `${header}.${Buffer.from(payload).toString('base64url')}.`;
  }
  if (signing.kind === 'rs256') {
    attackerKey ??= generateKeyPair('RS256').then((pair) => pair.privateKey);
    return new CompactSign(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(await attackerKey);
  }
  const alg = signing.kind === 'hs256' ? 'HS256' : 'HS512';
  const key = new TextEncoder().encode(signing.kind === 'hs512' ? signing.secret : secret);
  return new CompactSign(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
}

/** HS512 with the client secret, unless a fault asks for a broken token to prove the portal refuses it. */
export async function signIdToken(
  claims: Claims,
  secret: string,
  mutations: IdTokenMutation[],
  nowSeconds: number,
): Promise<string> {
  let signing: Signing = { kind: 'hs512', secret };
  for (const m of mutations) {
    if (m.type === 'wrong_key') signing = { kind: 'hs512', secret: randomSecret() };
    else if (m.type === 'alg') signing = { kind: m.alg === 'HS256' ? 'hs256' : m.alg === 'none' ? 'none' : 'rs256' };
    else mutate(claims, m, nowSeconds);
  }
  return sign(claims, signing, secret);
}
