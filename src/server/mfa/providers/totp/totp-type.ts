import type { FieldErrors } from '../../../errors/catalogue.ts';
import type { CodeProviderType } from '../../provider-type.ts';
import { createTotpProvider, TOTP_ALGORITHMS, type TotpConfig } from './totp-provider.ts';

const KNOWN_FIELDS = ['issuer', 'digits', 'period', 'algorithm', 'drift'];

function textValue(values: Record<string, unknown>, key: string, label: string, fields: FieldErrors): string {
  const value = values[key];
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') {
    fields[key] = `${label} must be text.`;
    return '';
  }
  return value.trim();
}

/** Reads a validated record's config; parse() guarantees every value, these defaults only cover old records. */
export function totpConfigOf(config: Record<string, string>): TotpConfig {
  return {
    issuer: config.issuer || 'Portcullis',
    digits: config.digits === '8' ? 8 : 6,
    period: Number(config.period) || 30,
    algorithm: (TOTP_ALGORITHMS as readonly string[]).includes(config.algorithm ?? '')
      ? (config.algorithm as TotpConfig['algorithm'])
      : 'SHA1',
    drift: Number(config.drift ?? 1),
  };
}

/**
 * Authenticator apps (RFC 6238 TOTP): Google Authenticator, Microsoft Authenticator, Aegis, 1Password,
 * … The secret is per user (sealed in the user's factor); the provider record holds only the code
 * parameters, so it needs no network and no secret of its own.
 */
export const totpProviderType: CodeProviderType = {
  id: 'totp',
  challenge: 'code',
  enrolment: 'confirm_code',
  amr: ['otp'],
  perUser: { secret: true, counter: true },
  label: 'Authenticator app (TOTP)',
  description:
    'Users scan a QR code with an authenticator app (Google Authenticator, Microsoft Authenticator, Aegis, 1Password, …) and type its 6-digit code at sign-in. Works without any connection to another service.',
  wording: {
    name: 'The authenticator app',
    method: 'Authenticator app',
    prove: 'Open your authenticator app and enter the code it shows for Portcullis.',
    enrol: 'Scan a QR code with your authenticator app, then type the code it shows to confirm.',
    busy: 'Checking…',
  },
  fields: [
    {
      key: 'issuer',
      label: 'Issuer',
      kind: 'text',
      help: 'The name users see for this account in their authenticator app, e.g. "Portcullis (Example Corp)".',
      placeholder: 'Portcullis',
      required: true,
      maxLength: 64,
    },
    {
      key: 'digits',
      label: 'Digits',
      kind: 'select',
      help: 'The length of each code. Every common app supports 6; some do not support 8.',
      options: [
        { value: '6', label: '6 digits (recommended)' },
        { value: '8', label: '8 digits' },
      ],
      required: false,
      maxLength: 1,
    },
    {
      key: 'period',
      label: 'Period (seconds)',
      kind: 'text',
      help: 'How long each code lasts: 30 seconds is what authenticator apps expect (RFC 6238).',
      placeholder: '30',
      required: false,
      maxLength: 3,
    },
    {
      key: 'algorithm',
      label: 'Algorithm',
      kind: 'select',
      help: 'SHA-1 is what nearly every app supports; SHA-256 and SHA-512 are ignored by some apps (Google Authenticator), which then show wrong codes.',
      options: [
        { value: 'SHA1', label: 'SHA-1 (recommended)' },
        { value: 'SHA256', label: 'SHA-256' },
        { value: 'SHA512', label: 'SHA-512' },
      ],
      required: false,
      maxLength: 6,
    },
    {
      key: 'drift',
      label: 'Accepted clock drift',
      kind: 'select',
      help: 'Codes from how many periods before or after now are accepted, for phones whose clock is a little off. A code is still accepted only once.',
      options: [
        { value: '1', label: '±1 period (recommended)' },
        { value: '0', label: 'None' },
        { value: '2', label: '±2 periods' },
      ],
      required: false,
      maxLength: 1,
    },
  ],
  secretKeys: [],

  parse(values) {
    const fields: FieldErrors = {};
    const issuer = textValue(values, 'issuer', 'Issuer', fields);
    const digits = textValue(values, 'digits', 'Digits', fields) || '6';
    const period = textValue(values, 'period', 'Period', fields) || '30';
    const algorithm = textValue(values, 'algorithm', 'Algorithm', fields) || 'SHA1';
    const drift = textValue(values, 'drift', 'Accepted clock drift', fields) || '1';
    if (!fields.issuer) {
      if (issuer === '') fields.issuer = 'Enter the name users see in their authenticator app, e.g. Portcullis.';
      else if (issuer.length > 64) fields.issuer = 'Issuer must be at most 64 characters.';
      // The issuer is written into the otpauth:// URI's label: a colon would split it.
      else if (issuer.includes(':')) fields.issuer = 'The issuer must not contain a colon (:).';
    }
    if (!fields.digits && !['6', '8'].includes(digits)) fields.digits = 'Choose 6 or 8 digits.';
    if (!fields.period && (!/^\d{1,3}$/.test(period) || Number(period) < 15 || Number(period) > 120))
      fields.period = 'Enter a whole number of seconds between 15 and 120 (30 is what apps expect).';
    if (!fields.algorithm && !(TOTP_ALGORITHMS as readonly string[]).includes(algorithm))
      fields.algorithm = 'Choose SHA-1, SHA-256 or SHA-512.';
    if (!fields.drift && !['0', '1', '2'].includes(drift)) fields.drift = 'Choose none, ±1 or ±2 periods.';
    for (const key of Object.keys(values)) {
      if (!KNOWN_FIELDS.includes(key)) fields[key] = 'This field is not recognised. Remove it.';
    }
    if (Object.keys(fields).length > 0) return { ok: false, fields };
    return { ok: true, config: { issuer, digits, period: String(Number(period)), algorithm, drift }, secrets: {} };
  },

  endpointOf: (config) => `${totpConfigOf(config).digits} digits, ${totpConfigOf(config).period} s`,
  browserOrigins: () => [],
  // Nothing to be unreachable: codes are checked on this server.
  signInOptions: () => ({ failMode: 'closed' }),
  settingsFrom: () => undefined,
  async diagnose() {
    return [];
  },
  create: (config, _secrets, context) => createTotpProvider(totpConfigOf(config), context),
};
