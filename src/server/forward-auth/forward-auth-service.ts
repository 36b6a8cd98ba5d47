import { parseAddress } from '../../shared/api/access-patterns.ts';
import {
  type AccessDecision,
  type AccessSubject,
  type CompiledApplication,
  evaluateAccess,
  requestPath,
} from '../applications/access-rules.ts';
import type { Config } from '../config/config.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { Storage } from '../db/database.ts';
import { safeApplicationUrl } from '../login/return-path.ts';
import type { SessionService } from '../sessions/session-service.ts';
import type { ApplicationUrlService } from '../settings/application-url.ts';
import { type AccessSnapshot, createAccessSnapshots } from './access-snapshot.ts';
import { identityHeaders } from './identity-headers.ts';
import type { OriginalRequest } from './original-request.ts';
import { createProxyTokens } from './proxy-token.ts';
import { type CachedSession, createSessionCache } from './session-cache.ts';
import { createTokenSigner } from './signing-keys.ts';

/** Why a blocked person sees the 403 page. */
export type DenialReason =
  | Extract<AccessDecision, { kind: 'deny' }>['reason']
  | 'no_application'
  | 'no_portal_url'
  | 'outside_cookie_domain';

export interface Denial {
  reason: DenialReason;
  application: { name: string; colour: string } | null;
  rule: number | null;
  username: string | null;
  requested: string;
}

export type CheckResult =
  | { kind: 'allow'; headers: Record<string, string> }
  | { kind: 'sign_in' | 'step_up'; location: string }
  | { kind: 'deny'; denial: Denial };

export type ContinueResult =
  | { kind: 'go'; url: string; proxyToken: string }
  | { kind: 'sign_in' | 'step_up'; rd: string }
  | { kind: 'deny'; denial: Denial }
  | { kind: 'not_an_application' };

/** What the rules look at in an absolute URL (an `rd=`), as a GET: the person is navigating there. */
function navigationTo(url: URL) {
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { host: url.hostname, port, uri: `${url.pathname}${url.search}`, method: 'GET' };
}

/** The portal's pages that continue a forward-auth round trip (see routes/authz). */
export const continuePath = (rd: string) => `/access/continue?rd=${encodeURIComponent(rd)}`;
export const stepUpPath = (rd: string) => `/access/verify?rd=${encodeURIComponent(rd)}`;

function subjectOf(cached: CachedSession): AccessSubject {
  return {
    userId: cached.session.userId,
    groupIds: cached.groupIds,
    authLevel: cached.session.authLevel,
    mfaAt: cached.session.mfaAt,
    factorType: cached.factorType,
  };
}

/**
 * Forward authentication: the reverse proxy asks about every request (check), and the portal's own
 * pages finish what a refusal started (continueTo: set the cookie, send the browser back to `rd=`).
 * Applications and rules come from an in-memory snapshot, sessions from a cache bounded in time and
 * size, so a check costs no database round trip in the steady state.
 */
export function createForwardAuth(deps: {
  config: Config;
  storage: Storage;
  sessions: SessionService;
  secretBox: SecretBox;
  applicationUrl: ApplicationUrlService;
  csrfKey: Buffer;
  clock: () => number;
}) {
  const { clock } = deps;
  const snapshots = createAccessSnapshots(deps);
  const cache = createSessionCache(deps);
  const proxyTokens = createProxyTokens(deps.csrfKey);
  const signer = createTokenSigner(deps);

  async function identityFor(
    app: CompiledApplication,
    cached: CachedSession,
    snapshot: AccessSnapshot,
    origin: string,
  ): Promise<Record<string, string>> {
    const { session } = cached;
    const groups = cached.groupIds
      .flatMap((id) => snapshot.groups.get(id)?.name ?? [])
      .sort((a, b) => a.localeCompare(b));
    let jwt = '';
    if (app.headers.jwt) {
      const key = `${app.id}|${origin}`;
      let token = cached.tokens.get(key);
      // Re-used while it has at least half of its life left; the entry itself is re-read every TTL.
      if (!token || token.expiresAt - clock() < 60_000) {
        token = await signer.sign(
          {
            preferred_username: session.user.username,
            email: session.user.email,
            name: session.user.displayName,
            groups,
            amr: session.amr,
            auth_level: session.authLevel,
            auth_time: Math.floor(session.authenticatedAt / 1000),
            portcullis_app: app.name,
          },
          // The portal's Application URL when it is set (it is, or nobody could have signed in).
          { issuer: snapshot.portalUrl ?? 'portcullis', audience: origin, subject: String(session.userId) },
        );
        cached.tokens.set(key, token);
      }
      jwt = token.jwt;
    }
    return identityHeaders(
      {
        username: session.user.username,
        groups,
        email: session.user.email,
        displayName: session.user.displayName,
        authLevel: session.authLevel,
        amr: session.amr,
        jwt,
      },
      app.headers,
    );
  }

  function denial(
    reason: DenialReason,
    requested: string,
    extra: { app?: CompiledApplication; rule?: number | null; username?: string | null } = {},
  ): Denial {
    return {
      reason,
      application: extra.app ? { name: extra.app.name, colour: extra.app.colour } : null,
      rule: extra.rule ?? null,
      username: extra.username ?? null,
      requested,
    };
  }

  /** The application for a URL and what the rules say for this person (null: not signed in). */
  function decide(
    snapshot: AccessSnapshot,
    url: { host: string; port: number; uri: string; method: string },
    cached: CachedSession | null,
    ip: string | null | (() => string | null),
  ) {
    const path = requestPath(url.uri.split('?')[0] ?? '/');
    let address: ReturnType<typeof parseAddress> | undefined;
    const match = snapshot.index.find(url.host, url.port, path ?? url.uri);
    if (!match) return null;
    const decision = evaluateAccess(
      match.app,
      {
        method: url.method,
        path,
        // Worked out (from the trusted proxy's X-Forwarded-For) only when a rule looks at networks, once.
        get ip() {
          if (address === undefined) {
            const text = typeof ip === 'function' ? ip() : ip;
            address = text ? parseAddress(text) : null;
          }
          return address;
        },
      },
      cached ? subjectOf(cached) : null,
      clock(),
    );
    return { app: match.app, decision };
  }

  const isRegistered = (snapshot: AccessSnapshot) => (url: URL) => {
    const target = navigationTo(url);
    return snapshot.index.find(target.host, target.port, requestPath(url.pathname) ?? url.pathname) !== null;
  };

  /** The cookie can reach the application's host: under the cookie domain, or the portal's own host. */
  function cookieReaches(host: string, portalHost: string | null): boolean {
    const domain = deps.config.cookieDomain;
    return domain ? host === domain || host.endsWith(`.${domain}`) : host === portalHost;
  }

  return {
    proxyTokens,
    signer,
    /** Applications or groups changed on this node. */
    invalidate: () => snapshots.invalidate(),
    snapshot: () => snapshots.current(),
    formActionSources: () => snapshots.formActionSources(),

    /** The proxy's question. `proxyCookie` is the forward-auth cookie the browser sent to the application. */
    async check(input: {
      original: OriginalRequest;
      /** The client's address; a function when it costs something to work out. */
      ip: string | null | (() => string | null);
      proxyCookie: string | undefined;
    }): Promise<CheckResult> {
      const { original } = input;
      const snapshot = await snapshots.current();
      const idHash = proxyTokens.verify(input.proxyCookie);
      const cached = idHash ? await cache.get(idHash) : null;
      const decided = decide(snapshot, original, cached, input.ip);
      const username = cached?.session.user.username ?? null;
      if (!decided) return { kind: 'deny', denial: denial('no_application', original.href, { username }) };
      const { app, decision } = decided;
      if (decision.kind === 'allow' && cached)
        return { kind: 'allow', headers: await identityFor(app, cached, snapshot, original.origin) };
      if (decision.kind === 'sign_in' || decision.kind === 'step_up') {
        if (!snapshot.portalUrl)
          return { kind: 'deny', denial: denial('no_portal_url', original.href, { app, username }) };
        // Both go to the portal's continue page: it knows the console session and says what is next.
        return { kind: decision.kind, location: `${snapshot.portalUrl}${continuePath(original.href)}` };
      }
      return {
        kind: 'deny',
        denial: denial(decision.kind === 'deny' ? decision.reason : 'no_rule', original.href, {
          app,
          rule: decision.rule,
          username,
        }),
      };
    },

    /**
     * The portal's `/access/continue?rd=`: with the console session, decide again for `rd`; when the
     * person may go, the forward-auth cookie is issued for their session and the browser goes back.
     */
    async continueTo(input: { rd: unknown; idHash: string | null; ip: string | null }): Promise<ContinueResult> {
      const snapshot = await snapshots.current();
      const portalHost = snapshot.portalUrl ? new URL(snapshot.portalUrl).hostname : null;
      const url = safeApplicationUrl(input.rd, isRegistered(snapshot));
      if (!url) return { kind: 'not_an_application' };
      const cached = input.idHash ? await cache.get(input.idHash) : null;
      if (!cookieReaches(url.hostname, portalHost))
        return {
          kind: 'deny',
          denial: denial('outside_cookie_domain', url.href, { username: cached?.session.user.username ?? null }),
        };
      const decided = decide(snapshot, navigationTo(url), cached, input.ip);
      if (!decided) return { kind: 'not_an_application' };
      const { app, decision } = decided;
      if (decision.kind === 'allow' && cached)
        return { kind: 'go', url: url.href, proxyToken: proxyTokens.issue(cached.idHash) };
      if (decision.kind === 'sign_in' || !cached) return { kind: 'sign_in', rd: url.href };
      if (decision.kind === 'step_up') return { kind: 'step_up', rd: url.href };
      return {
        kind: 'deny',
        denial: denial(decision.kind === 'deny' ? decision.reason : 'no_rule', url.href, {
          app,
          rule: decision.rule,
          username: cached.session.user.username,
        }),
      };
    },

    /** What the step-up page shows: the application and what it asks of this session. */
    async stepUpNeed(input: { rd: unknown; idHash: string; ip: string | null }) {
      const snapshot = await snapshots.current();
      const url = safeApplicationUrl(input.rd, isRegistered(snapshot));
      const cached = await cache.get(input.idHash);
      if (!url || !cached) return null;
      const decided = decide(snapshot, navigationTo(url), cached, input.ip);
      if (!decided) return null;
      return { app: decided.app, decision: decided.decision, rd: url.href, session: cached.session };
    },
  };
}

export type ForwardAuth = ReturnType<typeof createForwardAuth>;
