import { readFileSync } from 'node:fs';
import { createAccountService } from './accounts/account-service.ts';
import type { Config } from './config/config.ts';
import type { PasswordHasher } from './crypto/passwords.ts';
import type { SecretBox } from './crypto/secret-box.ts';
import type { Storage } from './db/database.ts';
import { createCsrf } from './http/csrf.ts';
import { createProviderRuntime } from './mfa/provider-runtime.ts';
import { createProviderService } from './mfa/provider-service.ts';
import { createSessionService } from './sessions/session-service.ts';
import { createSignInService } from './sessions/sign-in-service.ts';

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
  const applicationUrl = config.publicUrl?.href.replace(/\/$/, '') ?? 'https://application-url.invalid';
  const providerRuntime = createProviderRuntime({
    secretBox: deps.secretBox,
    contextFor: (providerId) => ({
      allowCustomHosts,
      ...(extraCaPem !== undefined && { extraCaPem }),
      timeoutMs: config.duoTimeoutMs,
      now: clock,
      proxyVariables: config.proxyVariables,
      redirectUri: `${applicationUrl}/api/auth/mfa/${providerId ?? 'new'}/callback`,
    }),
  });
  return {
    config,
    clock,
    storage: deps.storage,
    secretBox: deps.secretBox,
    csrf: createCsrf(deps.csrfKey),
    sessions,
    accounts: createAccountService({ storage: deps.storage, passwords: deps.passwords, clock }),
    signIn: createSignInService({ storage: deps.storage, passwords: deps.passwords, sessions, clock }),
    providerRuntime,
    providers: createProviderService({
      storage: deps.storage,
      secretBox: deps.secretBox,
      runtime: providerRuntime,
      clock,
      allowCustomHosts,
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
