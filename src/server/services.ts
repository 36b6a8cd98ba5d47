import { readFileSync } from 'node:fs';
import { createAccountService } from './accounts/account-service.ts';
import { createApplicationService } from './applications/application-service.ts';
import { createRuleTester } from './applications/rule-tester.ts';
import { createDestinationService } from './audit/forwarding/destination-service.ts';
import { createAuditForwarder } from './audit/forwarding/forwarder.ts';
import type { Config } from './config/config.ts';
import type { PasswordHasher } from './crypto/passwords.ts';
import type { SecretBox } from './crypto/secret-box.ts';
import type { Storage } from './db/database.ts';
import { createForwardAuth } from './forward-auth/forward-auth-service.ts';
import { createGroupService } from './groups/group-service.ts';
import { createCsrf } from './http/csrf.ts';
import { callbackUrl } from './login/application-url.ts';
import { createBrowserOrigins } from './mfa/browser-origins.ts';
import { createFactorService } from './mfa/factors/factor-service.ts';
import { createHealthCache } from './mfa/health-cache.ts';
import { createMfaPolicyService } from './mfa/policy-service.ts';
import { createProviderRuntime } from './mfa/provider-runtime.ts';
import { createProviderService } from './mfa/provider-service.ts';
import { createDuoAuthLogImport } from './mfa/providers/duo/auth-log-import.ts';
import { createSessionService } from './sessions/session-service.ts';
import { createApplicationUrlService } from './settings/application-url.ts';
import { createDiagnostics } from './settings/diagnostics.ts';
import { createDeviceCookies, deviceCookieKey } from './sign-in/device-cookie.ts';
import { createPasswordStep } from './sign-in/password-step.ts';
import { createSignInCore } from './sign-in/sign-in-core.ts';

/** What the process edge (main.ts, the CLI, tests) hands to createApp: everything with a lifecycle. */
export interface AppDeps {
  storage: Storage;
  secretBox: SecretBox;
  passwords: PasswordHasher;
  /** Key for CSRF tokens; derived from the master key so every node agrees. */
  csrfKey: Buffer;
  clock?: () => number;
}

/** The composition root for domain services: built once per app from its config and deps. */
export function createServices(config: Config, deps: AppDeps) {
  const clock = deps.clock ?? Date.now;
  const limits = {
    idleMs: config.session.idleMinutes * 60_000,
    absoluteMs: config.session.absoluteHours * 3_600_000,
    freshMs: config.session.freshMinutes * 60_000,
  };
  const sessions = createSessionService({ storage: deps.storage, clock, limits });
  const allowCustomHosts = config.env !== 'production';
  const extraCaPem = config.duoExtraCaFile ? readFileSync(config.duoExtraCaFile, 'utf8') : undefined;
  const providerRuntime = createProviderRuntime({
    secretBox: deps.secretBox,
    config,
    contextFor: (providerId, applicationUrl) => ({
      allowCustomHosts,
      now: clock,
      applicationUrl,
      // A connection test sends no redirect URI; a placeholder keeps the client's own checks satisfied.
      redirectUri: callbackUrl(applicationUrl ?? 'https://application-url.invalid', providerId ?? 0),
    }),
  });
  const providers = createProviderService({
    storage: deps.storage,
    secretBox: deps.secretBox,
    runtime: providerRuntime,
    clock,
    allowCustomHosts,
  });
  const applicationUrl = createApplicationUrlService({
    config,
    storage: deps.storage,
    clock,
    // A change of the Application URL is checked first with the same diagnostics, run against the new value.
    diagnosticsFor: (candidate) =>
      createDiagnostics({
        storage: deps.storage,
        applicationUrl: candidate,
        runtime: providerRuntime,
        production: config.env === 'production',
        extraCaPem,
        clock,
      }),
  });
  const forwardAuth = createForwardAuth({
    config,
    storage: deps.storage,
    sessions,
    secretBox: deps.secretBox,
    applicationUrl,
    csrfKey: deps.csrfKey,
    clock,
  });
  const devices = createDeviceCookies(deviceCookieKey(deps.csrfKey));
  // One password check for signing in and for changing a password: the same locks, audit and hashing queue.
  const passwordStep = createPasswordStep({ storage: deps.storage, passwords: deps.passwords, devices, clock });
  return {
    config,
    clock,
    storage: deps.storage,
    secretBox: deps.secretBox,
    csrf: createCsrf(deps.csrfKey),
    sessions,
    accounts: createAccountService({ storage: deps.storage, passwords: deps.passwords, passwordStep, clock }),
    factors: createFactorService({ storage: deps.storage, clock, runtime: providerRuntime }),
    providerRuntime,
    providers,
    applicationUrl,
    mfaPolicy: createMfaPolicyService({ storage: deps.storage, applicationUrl, clock }),
    browserOrigins: createBrowserOrigins({ storage: deps.storage, clock }),
    diagnostics: createDiagnostics({
      storage: deps.storage,
      applicationUrl,
      runtime: providerRuntime,
      production: config.env === 'production',
      extraCaPem,
      clock,
    }),
    duoAuthLog: createDuoAuthLogImport({
      storage: deps.storage,
      secretBox: deps.secretBox,
      runtime: providerRuntime,
      allowCustomHosts,
      clock,
    }),
    signIn: createSignInCore({
      storage: deps.storage,
      passwordStep,
      devices,
      sessions,
      runtime: providerRuntime,
      providers,
      applicationUrl,
      health: createHealthCache(clock),
      secretBox: deps.secretBox,
      clock,
    }),
    auditDestinations: createDestinationService({ storage: deps.storage, secretBox: deps.secretBox, clock }),
    auditForwarder: createAuditForwarder({ storage: deps.storage, secretBox: deps.secretBox, clock }),
    forwardAuth,
    groups: createGroupService({ storage: deps.storage, clock, onChange: forwardAuth.invalidate }),
    applications: createApplicationService({ storage: deps.storage, clock, onChange: forwardAuth.invalidate }),
    testAccess: createRuleTester({ storage: deps.storage, clock }),
  };
}

export type Services = ReturnType<typeof createServices>;
