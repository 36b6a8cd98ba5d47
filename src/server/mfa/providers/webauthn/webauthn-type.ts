import type { FieldErrors } from '../../../errors/catalogue.ts';
import type { CeremonyProviderType } from '../../provider-type.ts';
import { parseAaguidList } from './aaguids.ts';
import { createWebauthnProvider, type WebauthnConfig } from './webauthn-provider.ts';

const KNOWN_FIELDS = ['userVerification', 'attestation', 'allowedAaguids', 'discoverable'];

function choice(values: Record<string, unknown>, key: string, allowed: string[], fallback: string): string | null {
  const value = values[key];
  if (value === undefined || value === null || value === '') return fallback;
  return typeof value === 'string' && allowed.includes(value) ? value : null;
}

export function webauthnConfigOf(config: Record<string, string>): WebauthnConfig {
  return {
    userVerification: config.userVerification === 'preferred' ? 'preferred' : 'required',
    attestation: config.attestation === 'direct' ? 'direct' : 'none',
    allowedAaguids: config.allowedAaguids ? config.allowedAaguids.split(',') : [],
    discoverable: config.discoverable === 'required' ? 'required' : 'preferred',
  };
}

/**
 * Security keys and passkeys (WebAuthn): phishing-resistant, because the browser binds every answer to
 * the portal's origin. The relying-party ID and origin come from the Application URL only, never from
 * the request's Host. No secret is kept: each key's public key and counter are stored with the factor.
 */
export const webauthnProviderType: CeremonyProviderType = {
  id: 'webauthn',
  challenge: 'ceremony',
  enrolment: 'ceremony',
  phishingResistant: true,
  perUser: { secret: false, counter: true },
  label: 'Security key or passkey (WebAuthn)',
  description:
    'Users register a security key (YubiKey, …) or a passkey (Touch ID, Windows Hello, a phone) and touch it at sign-in. Phishing-resistant: a look-alike site cannot use it. With discoverable credentials, also passwordless sign-in.',
  wording: {
    name: 'The security key',
    method: 'Security key or passkey',
    prove: 'Use your security key or passkey: touch the key, or confirm with your fingerprint, face or PIN.',
    enrol: 'Register a security key or passkey on the next page: your browser asks you to touch it or confirm.',
    busy: 'Waiting for your key…',
  },
  fields: [
    {
      key: 'userVerification',
      label: 'User verification',
      kind: 'select',
      help: 'Required: the key also checks a PIN, fingerprint or face (two factors in one; needed for passwordless sign-in). Preferred: a touch is enough when the key cannot verify the user.',
      options: [
        { value: 'required', label: 'Required (recommended)' },
        { value: 'preferred', label: 'Preferred' },
      ],
      required: false,
      maxLength: 9,
    },
    {
      key: 'discoverable',
      label: 'Discoverable credentials',
      kind: 'select',
      help: 'Required: every key registered can sign in without a username (passwordless, where the MFA policy allows it). Allowed: keys that cannot store a credential still work as a second step.',
      options: [
        { value: 'preferred', label: 'Allowed' },
        { value: 'required', label: 'Required (for passwordless sign-in)' },
      ],
      required: false,
      maxLength: 9,
    },
    {
      key: 'attestation',
      label: 'Attestation',
      kind: 'select',
      help: 'None (recommended): any key works. Direct: the key says which model it is, and only the models listed below may be registered.',
      options: [
        { value: 'none', label: 'None: any security key or passkey' },
        { value: 'direct', label: 'Direct: only the models listed' },
      ],
      required: false,
      maxLength: 6,
    },
    {
      key: 'allowedAaguids',
      label: 'Allowed models (AAGUIDs)',
      kind: 'text',
      help: 'One AAGUID per line or separated by commas, e.g. cb69481e-8ff7-4039-93ec-0a2729a154a8 (YubiKey 5 Series). The vendor publishes them.',
      placeholder: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
      required: false,
      maxLength: 2000,
      showWhen: { key: 'attestation', equals: 'direct' },
    },
  ],
  secretKeys: [],

  parse(values) {
    const fields: FieldErrors = {};
    const userVerification = choice(values, 'userVerification', ['required', 'preferred'], 'required');
    const discoverable = choice(values, 'discoverable', ['preferred', 'required'], 'preferred');
    const attestation = choice(values, 'attestation', ['none', 'direct'], 'none');
    if (!userVerification) fields.userVerification = 'Choose required or preferred.';
    if (!discoverable) fields.discoverable = 'Choose allowed or required.';
    if (!attestation) fields.attestation = 'Choose none or direct.';
    let allowedAaguids = '';
    if (attestation === 'direct') {
      const raw = values.allowedAaguids;
      const parsed = parseAaguidList(typeof raw === 'string' ? raw : '');
      if (parsed.ok) allowedAaguids = parsed.aaguids.join(',');
      else fields.allowedAaguids = parsed.message;
    }
    for (const key of Object.keys(values)) {
      if (!KNOWN_FIELDS.includes(key)) fields[key] = 'This field is not recognised. Remove it.';
    }
    if (Object.keys(fields).length > 0 || !userVerification || !discoverable || !attestation)
      return { ok: false, fields };
    return {
      ok: true,
      config: { userVerification, discoverable, attestation, ...(attestation === 'direct' && { allowedAaguids }) },
      secrets: {},
    };
  },

  endpointOf: (config) => {
    const parsed = webauthnConfigOf(config);
    return `user verification ${parsed.userVerification}${parsed.attestation === 'direct' ? ', models restricted' : ''}`;
  },
  browserOrigins: () => [],
  signInOptions: () => ({ failMode: 'closed' }),
  settingsFrom: () => undefined,
  async diagnose() {
    return [];
  },
  create: (config, _secrets, context) => createWebauthnProvider(webauthnConfigOf(config), context),
};
