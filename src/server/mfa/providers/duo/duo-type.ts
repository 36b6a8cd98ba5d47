import { safeToken } from '../../../duo/errors.ts';
import type { RedirectProviderType, SignInOptions } from '../../provider-type.ts';
import { adminApiConfigured } from './duo-admin-features.ts';
import { diagnoseDuo } from './duo-diagnostics.ts';
import { DUO_FIELDS } from './duo-fields.ts';
import { parseDuoSettings } from './duo-parse.ts';
import { createDuoProvider } from './duo-provider.ts';
import { type DuoSettings, duoSettingsFrom } from './duo-settings.ts';
import { duoUsername } from './duo-username.ts';

/**
 * Duo Security through the Universal Prompt (Web SDK v4). The form follows Segura's "Provider
 * registration" screen and Duo's Web SDK application page: Endpoint = Duo's "API hostname".
 */
export const duoProviderType: RedirectProviderType<DuoSettings> = {
  id: 'duo',
  challenge: 'redirect',
  enrolment: 'at_provider',
  // Duo refuses a redirect_uri longer than 256 characters (duo_universal_java#14).
  redirectUriLimit: 256,
  perUser: { secret: false, counter: false },
  label: 'Duo Security',
  description:
    "Duo's Universal Prompt: users approve a push in Duo Mobile (or use another Duo method). Needs a Web SDK application in the Duo Admin Panel.",
  wording: {
    name: 'Duo',
    method: 'Duo Security',
    prove: 'Approve the sign-in in Duo: a push to Duo Mobile, or another method Duo offers.',
    enrol: 'You continue at Duo: add your phone, scan the QR code with Duo Mobile, then approve a push.',
    busy: 'Opening Duo…',
  },
  fields: DUO_FIELDS,
  secretKeys: ['clientSecret', 'adminSecretKey'],

  parse: parseDuoSettings,

  endpointOf: (config) => config.endpoint ?? '',
  browserOrigins: (config) => (config.endpoint ? [`https://${config.endpoint}`] : []),
  signInOptions: (config): SignInOptions => ({ failMode: config.failMode === 'open' ? 'open' : 'closed' }),
  subjectFor: (user, config) =>
    duoUsername(user, {
      source:
        config.usernameSource === 'email' || config.usernameSource === 'template' ? config.usernameSource : 'username',
      template: config.usernameTemplate ?? '',
    }),
  settingsFrom: duoSettingsFrom,
  diagnose: diagnoseDuo,
  readCallback(query) {
    // We ask Duo for `duo_code` (use_duo_code_attribute); a bare `code` is not what Duo sends us.
    // The error name comes from the browser's URL and ends up in the audit reason: only a plain OAuth
    // error token is kept, anything else (CR/LF, escapes, markup) is recorded as "unrecognised" (ASVS 16.4.1).
    if (query.error) return { ok: false, reason: `provider_error:${safeToken(query.error, 'unrecognised')}` };
    if (!query.duo_code) return { ok: false, reason: query.code ? 'unexpected_code_parameter' : 'missing_code' };
    if (query.duo_code.length > 4096) return { ok: false, reason: 'code_too_long' };
    return { ok: true, code: query.duo_code };
  },
  devices: {
    noun: 'phones',
    removable: adminApiConfigured,
    manualSteps: (subject) => [
      `In the Duo Admin Panel, open Users and select "${subject}" (the name Portcullis sends to Duo).`,
      'Under Phones, remove the lost phone (or delete it), so no push, call or passcode reaches it. With no phone left, Duo asks them to add one at their next sign-in (New User policy "Require enrollment").',
      'A new phone with the same number: open the phone there and use "Reactivate Duo Mobile" instead. Setting their status to Bypass also lets them in, but without a second factor: keep it short and set it back to Active.',
    ],
  },
  create: (config, secrets, context, settings) => createDuoProvider(config, secrets, context, settings),
};
