import { hashToken, randomToken } from '../crypto/tokens.ts';
import { createRepos } from '../db/repos/index.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import { storedCredentialOf } from '../mfa/factors/credentials.ts';
import { readMfaPolicy } from '../mfa/policy.ts';
import type { CeremonyProvider } from '../mfa/provider-type.ts';
import { providerTypeOf } from '../mfa/registry.ts';
import { auditMfaFailed } from './audit.ts';
import { CHALLENGE_LIFETIME_MS, type SignInDeps, type SignInRequest } from './deps.ts';
import { failure, type SignInOutcome } from './outcome.ts';
import { openSession } from './session-opening.ts';

const BINDING_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Passwordless sign-in with a passkey ("Sign in with a passkey"), where the MFA policy allows it: the
 * browser offers any discoverable credential for this site, and the one chosen says whose it is. It
 * counts as MFA only with user verification (possession plus a PIN or biometric), which is required.
 */
export function createPasskeySignIn(deps: SignInDeps) {
  const { storage, clock } = deps;

  /** The security-key provider passwordless sign-in uses: the first enabled one. */
  async function provider(): Promise<ProviderRecord | undefined> {
    const records = await createRepos(storage.db).providers.all();
    return records.find((record) => record.enabled && providerTypeOf(record.type)?.challenge === 'ceremony');
  }

  async function available(): Promise<{ record: ProviderRecord; appUrl: string } | null> {
    const repos = createRepos(storage.db);
    if (!(await readMfaPolicy(repos)).passwordless) return null;
    const [record, appUrl] = await Promise.all([provider(), deps.applicationUrl.current()]);
    return record && appUrl.url ? { record, appUrl: appUrl.url } : null;
  }

  return {
    /** Whether the sign-in page offers "Sign in with a passkey". */
    async offered(): Promise<boolean> {
      return (await available()) !== null;
    },

    async start(
      input: { returnPath: string },
      request: SignInRequest,
    ): Promise<{ ok: true; id: string; options: Record<string, unknown>; browserBinding: string } | { ok: false }> {
      const ready = await available();
      if (!ready) return { ok: false };
      const instance = deps.runtime.instanceFor(ready.record, ready.appUrl) as CeremonyProvider;
      const { options, challenge } = await instance.authenticationOptions({ allow: null });
      const binding =
        request.browserBinding && BINDING_FORMAT.test(request.browserBinding)
          ? request.browserBinding
          : randomToken(32);
      const id = randomToken(16);
      const now = clock();
      await createRepos(storage.db).challenges.insertPasskey({
        id,
        challenge,
        providerId: ready.record.id,
        browserBinding: hashToken(binding),
        returnPath: input.returnPath,
        createdAt: now,
        expiresAt: now + CHALLENGE_LIFETIME_MS,
      });
      return { ok: true, id, options, browserBinding: binding };
    },

    async answer(input: { challengeId: string; response: unknown }, request: SignInRequest): Promise<SignInOutcome> {
      const repos = createRepos(storage.db);
      const now = clock();
      const refuse = async (reason: string, user?: { id: number; username: string }, message?: string) => {
        await auditMfaFailed(repos, request.audit, clock(), {
          reason,
          user,
          provider: 'Passkey (passwordless)',
          purpose: 'sign_in',
          message: message ?? null,
        });
        const code =
          reason === 'state_unknown_or_used'
            ? 'MFA_EXPIRED'
            : reason === 'other_browser'
              ? 'MFA_FAILED'
              : 'MFA_KEY_REFUSED';
        return failure(code, 'sign_in');
      };
      if (!request.browserBinding) return refuse('other_browser');
      // Taken before verifying: a passkey challenge is single-use whatever the answer.
      const taken = await repos.challenges.takePasskey(input.challengeId, hashToken(request.browserBinding), now);
      if (!taken) return refuse('state_unknown_or_used');
      const credentialId = (input.response as { id?: unknown } | null)?.id;
      const factor =
        typeof credentialId === 'string' ? await repos.userFactors.findByCredentialId(credentialId) : undefined;
      if (!factor || factor.providerId !== taken.providerId) return refuse('credential_unknown');
      const [user, record, appUrl] = await Promise.all([
        repos.users.findById(factor.userId),
        repos.providers.findById(taken.providerId),
        deps.applicationUrl.current(),
      ]);
      if (!user || user.disabled) return refuse('user_disabled', user);
      if (!record?.enabled || !appUrl.url) return refuse('provider_disabled', user);
      const instance = deps.runtime.instanceFor(record, appUrl.url) as CeremonyProvider;
      const verified = await instance.verifyAuthentication(
        input.response,
        storedCredentialOf(factor),
        taken.challenge,
        {
          requireUserVerification: true,
        },
      );
      if (!verified.ok) return refuse(verified.reason, user, verified.message);
      const amr = [...verified.amr, 'mfa'];
      const outcome = await storage.db.transaction().execute(async (trx) => {
        const tx = createRepos(trx);
        if (!(await tx.userFactors.advanceSignatureCounter(factor.id, verified.counter, now))) return null;
        return openSession(
          tx,
          deps.sessions,
          {
            user,
            authLevel: 'mfa',
            amr,
            purpose: 'sign_in',
            authTime: now,
            factor: {
              factorId: factor.id,
              type: 'webauthn',
              providerId: record.id,
              providerName: record.name,
              method: 'passkey',
              txid: null,
              enrolled: null,
              recoveryCodesLeft: null,
            },
            bypass: null,
            replaces: request.session,
            phishingResistant: true,
          },
          request.audit,
          now,
        );
      });
      if (!outcome) return refuse('signature_counter_replayed', user);
      return {
        kind: 'signed_in',
        user: { id: user.id, username: user.username },
        authLevel: 'mfa',
        amr,
        authTime: now,
        purpose: 'sign_in',
        returnPath: taken.returnPath,
        sessionToken: outcome.token,
        factorId: factor.id,
        recoveryCodesLeft: null,
        deviceCookie: deps.devices.issue(user.username),
      };
    },
  };
}
