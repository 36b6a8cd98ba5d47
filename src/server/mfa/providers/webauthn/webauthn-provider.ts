import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { CeremonyFailure, CeremonyProvider, ProviderContext, StoredCredential } from '../../provider-type.ts';

export interface WebauthnConfig {
  userVerification: 'required' | 'preferred';
  attestation: 'none' | 'direct';
  allowedAaguids: string[];
  discoverable: 'required' | 'preferred';
}

const TIMEOUT_MS = 120_000;

/** The library throws plain errors; a short reason for the audit log, a sentence for operators. */
function failureOf(error: unknown): CeremonyFailure {
  const message = error instanceof Error ? error.message.slice(0, 300) : 'the response could not be verified';
  const reason = /counter/i.test(message)
    ? 'counter_regressed'
    : /origin/i.test(message)
      ? 'wrong_origin'
      : /RP ?ID/i.test(message)
        ? 'wrong_rp_id'
        : /challenge/i.test(message)
          ? 'challenge_mismatch'
          : /user verification|not verified/i.test(message)
            ? 'user_not_verified'
            : 'invalid_response';
  return { ok: false, reason, message };
}

const fromBase64url = (value: string) => new Uint8Array(Buffer.from(value, 'base64url'));

/**
 * WebAuthn ceremonies through @simplewebauthn/server. The relying-party ID is the Application URL's
 * host and the only origin is the Application URL itself (never the request's Host header), so a key
 * registered here is refused on any other name — which is what makes it phishing-resistant.
 */
export function createWebauthnProvider(config: WebauthnConfig, context: ProviderContext): CeremonyProvider {
  const origin = context.applicationUrl;
  const rpID = origin ? new URL(origin).hostname : null;
  const requireUv = config.userVerification === 'required';
  const where = () => {
    if (!origin || !rpID) throw new Error('the Application URL is not set: security keys are bound to its host name');
    return { origin, rpID };
  };

  return {
    challenge: 'ceremony',
    // Nothing to reach: keys are checked on this server. Without an Application URL they cannot be used
    // yet, which sign-in and enrolment refuse on their own ("MFA unavailable"), so the record may be saved.
    async healthCheck() {
      return {
        status: 'ok',
        message: origin
          ? `Ready: keys are bound to ${rpID} (from the Application URL).`
          : 'Ready. Keys will be bound to the host name of the Application URL once it is set.',
        hint: null,
        cause: null,
        skewSeconds: null,
        outage: false,
        checkedAt: context.now(),
      };
    },

    async registrationOptions({ userId, username, displayName, exclude }) {
      const { rpID: id } = where();
      const options = await generateRegistrationOptions({
        rpName: 'Portcullis',
        rpID: id,
        userName: username,
        userDisplayName: displayName,
        // The user handle names our account, not the person (no email or username in it).
        userID: new TextEncoder().encode(`portcullis-user-${userId}`),
        timeout: TIMEOUT_MS,
        attestationType: config.attestation,
        excludeCredentials: exclude.map((credential) => ({ id: credential.id, transports: credential.transports })),
        authenticatorSelection: { residentKey: config.discoverable, userVerification: config.userVerification },
      });
      return { options: options as unknown as Record<string, unknown>, challenge: options.challenge };
    },

    async verifyRegistration(response, expectedChallenge) {
      const { origin: expectedOrigin, rpID: expectedRPID } = where();
      try {
        const verified = await verifyRegistrationResponse({
          response: response as Parameters<typeof verifyRegistrationResponse>[0]['response'],
          expectedChallenge,
          expectedOrigin,
          expectedRPID,
          requireUserVerification: requireUv,
        });
        if (!verified.verified)
          return { ok: false, reason: 'not_verified', message: 'the registration was not verified' };
        const info = verified.registrationInfo;
        if (config.attestation === 'direct') {
          if (info.fmt === 'none' || !config.allowedAaguids.includes(info.aaguid.toLowerCase()))
            return {
              ok: false,
              reason: 'model_not_allowed',
              message: `authenticator model ${info.aaguid} (${info.fmt} attestation) is not on the allowed list`,
            };
        }
        return {
          ok: true,
          credential: {
            id: info.credential.id,
            publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
            counter: info.credential.counter,
            transports: info.credential.transports ?? [],
            aaguid: info.aaguid,
            backupEligible: info.credentialDeviceType === 'multiDevice',
            backedUp: info.credentialBackedUp,
            userVerified: info.userVerified,
            attestation: info.fmt,
          },
        };
      } catch (error) {
        return failureOf(error);
      }
    },

    async authenticationOptions({ allow }) {
      const { rpID: id } = where();
      const options = await generateAuthenticationOptions({
        rpID: id,
        timeout: TIMEOUT_MS,
        // Passwordless (no list): the key must verify the user, or it would be one factor only.
        userVerification: allow === null ? 'required' : config.userVerification,
        ...(allow && {
          allowCredentials: allow.map((credential) => ({ id: credential.id, transports: credential.transports })),
        }),
      });
      return { options: options as unknown as Record<string, unknown>, challenge: options.challenge };
    },

    async verifyAuthentication(response, credential: StoredCredential, expectedChallenge, options) {
      const { origin: expectedOrigin, rpID: expectedRPID } = where();
      try {
        const verified = await verifyAuthenticationResponse({
          response: response as Parameters<typeof verifyAuthenticationResponse>[0]['response'],
          expectedChallenge,
          expectedOrigin,
          expectedRPID,
          credential: {
            id: credential.id,
            publicKey: fromBase64url(credential.publicKey),
            counter: credential.counter,
            transports: credential.transports as never,
          },
          requireUserVerification: options.requireUserVerification || requireUv,
        });
        if (!verified.verified) return { ok: false, reason: 'not_verified', message: 'the assertion was not verified' };
        const info = verified.authenticationInfo;
        const synced = info.credentialDeviceType === 'multiDevice';
        return {
          ok: true,
          counter: info.newCounter,
          userVerified: info.userVerified,
          backedUp: info.credentialBackedUp,
          // RFC 8176: a key bound to its hardware (hwk) or a synced passkey (swk); user presence is
          // always tested (user); with user verification the key also checked a PIN or a biometric,
          // which it does not tell apart, so the conservative "pin" is sent.
          amr: [synced ? 'swk' : 'hwk', 'user', ...(info.userVerified ? ['pin'] : [])],
        };
      } catch (error) {
        return failureOf(error);
      }
    },

    async close() {},
  };
}
