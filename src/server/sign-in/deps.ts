import type { AuditContext } from '../audit/events.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { Storage } from '../db/database.ts';
import type { HealthCache } from '../mfa/health-cache.ts';
import type { ProviderRuntime } from '../mfa/provider-runtime.ts';
import type { ProviderService } from '../mfa/provider-service.ts';
import type { SessionService } from '../sessions/session-service.ts';
import type { ApplicationUrlService } from '../settings/application-url.ts';
import type { DeviceCookies } from './device-cookie.ts';

/** What the sign-in core is built from: storage and services, no HTTP framework. */
export interface SignInDeps {
  storage: Storage;
  sessions: SessionService;
  runtime: ProviderRuntime;
  providers: ProviderService;
  applicationUrl: ApplicationUrlService;
  health: HealthCache;
  secretBox: SecretBox;
  /** Signed "this browser signed in as this user" cookies, issued with every session (issue 12). */
  devices: DeviceCookies;
  clock: () => number;
}

/** What a front end tells the core about the browser it speaks for. */
export interface SignInRequest {
  audit: AuditContext;
  /** The value of this browser's login cookie, if it sent one. */
  browserBinding: string | undefined;
  /** This browser's device cookie, if it sent one. */
  deviceCookie?: string | undefined;
  /** The session the browser holds now, if any. */
  session: { idHash: string; userId: number; createdAt: number; expiresAt: number } | null;
  /** The factor this browser used last (a cookie), offered first when still usable. */
  preferredFactorId: string | null;
}

/** Challenges live at most 10 minutes (ASVS 6.5.5), long enough for Duo's inline enrolment. */
export const CHALLENGE_LIFETIME_MS = 10 * 60 * 1000;
