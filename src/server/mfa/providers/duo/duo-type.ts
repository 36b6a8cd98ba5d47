import { safeToken } from '../../../duo/errors.ts';
import { checkClientId, checkClientSecret, normalizeApiHost } from '../../../duo/index.ts';
import type { FieldErrors } from '../../../errors/catalogue.ts';
import { checkUsernameTemplate } from '../../../login/provider-username.ts';
import type { MfaProviderType, SignInOptions } from '../../provider-type.ts';
import { createDuoProvider } from './duo-provider.ts';

function text(values: Record<string, unknown>, key: string, label: string, fields: FieldErrors): string | undefined {
  const value = values[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    fields[key] = `${label} must be text.`;
    return undefined;
  }
  return value;
}

const KNOWN_FIELDS = ['endpoint', 'clientId', 'clientSecret', 'failMode', 'usernameSource', 'usernameTemplate'];

/**
 * Duo Security through the Universal Prompt (Web SDK v4). The form follows Segura's "Provider
 * registration" screen and Duo's Web SDK application page: Endpoint = Duo's "API hostname".
 */
export const duoProviderType: MfaProviderType = {
  id: 'duo',
  label: 'Duo Security',
  description:
    "Duo's Universal Prompt: users approve a push in Duo Mobile (or use another Duo method). Needs a Web SDK application in the Duo Admin Panel.",
  fields: [
    {
      key: 'endpoint',
      label: 'Endpoint',
      kind: 'text',
      help: 'The API hostname of your Duo Web SDK application, e.g. api-1a2b3c4d.duosecurity.com.',
      placeholder: 'api-XXXXXXXX.duosecurity.com',
      required: true,
      maxLength: 255,
    },
    {
      key: 'clientId',
      label: 'Client ID',
      kind: 'text',
      help: 'The Client ID of the Duo application: 20 letters and digits.',
      placeholder: 'DIXXXXXXXXXXXXXXXXXX',
      required: true,
      maxLength: 20,
    },
    {
      key: 'clientSecret',
      label: 'Client Secret',
      kind: 'secret',
      help: 'The Client Secret of the Duo application: 40 characters. Stored encrypted and never shown again.',
      required: true,
      maxLength: 40,
    },
    {
      key: 'failMode',
      label: 'If Duo is unreachable',
      kind: 'select',
      help: 'Closed (recommended): nobody signs in while Duo cannot be reached. Open: users (never administrators) sign in with their password alone during a Duo outage — anyone who can cut this server off from Duo can then skip MFA.',
      options: [
        { value: 'closed', label: 'Deny sign-in (fail closed)' },
        { value: 'open', label: 'Allow password only, audited (fail open)' },
      ],
      required: false,
      maxLength: 6,
    },
    {
      key: 'usernameSource',
      label: 'Username sent to Duo',
      kind: 'select',
      help: 'The name Duo knows each user by. Sent in lowercase, as Duo stores usernames.',
      options: [
        { value: 'username', label: 'Portcullis username' },
        { value: 'email', label: 'Email address' },
        { value: 'template', label: 'Template' },
      ],
      required: false,
      maxLength: 8,
    },
    {
      key: 'usernameTemplate',
      label: 'Username template',
      kind: 'text',
      help: 'Only with "Template": e.g. {username}@corp.example or {email_local}. Placeholders: {username}, {email}, {email_local}.',
      placeholder: '{username}@corp.example',
      required: false,
      maxLength: 200,
    },
  ],
  secretKeys: ['clientSecret'],

  parse(values, options) {
    const fields: FieldErrors = {};
    const endpointInput = text(values, 'endpoint', 'Endpoint', fields);
    const clientIdInput = text(values, 'clientId', 'Client ID', fields);
    const secretInput = text(values, 'clientSecret', 'Client Secret', fields);
    const failMode = text(values, 'failMode', 'If Duo is unreachable', fields) || 'closed';
    const usernameSource = text(values, 'usernameSource', 'Username sent to Duo', fields) || 'username';
    const usernameTemplate = (text(values, 'usernameTemplate', 'Username template', fields) ?? '').trim();
    if (!['closed', 'open'].includes(failMode)) fields.failMode = 'Choose closed or open.';
    if (!['username', 'email', 'template'].includes(usernameSource))
      fields.usernameSource = 'Choose the Portcullis username, the email address, or a template.';
    if (usernameSource === 'template' && !fields.usernameTemplate) {
      const problem = checkUsernameTemplate(usernameTemplate);
      if (problem) fields.usernameTemplate = problem;
    }

    let endpoint = '';
    if (!fields.endpoint) {
      const host = normalizeApiHost(endpointInput ?? '', { allowCustomHosts: options.allowCustomHosts });
      if (host.ok) endpoint = host.host;
      else fields.endpoint = host.message;
    }
    const clientId = (clientIdInput ?? '').trim();
    if (!fields.clientId) {
      const problem =
        clientId === '' ? 'Enter the Client ID shown on the Duo application page.' : checkClientId(clientId);
      if (problem) fields.clientId = problem;
    }
    const secrets: Record<string, string> = {};
    if (!fields.clientSecret) {
      // Secrets are not trimmed: a pasted secret is used exactly as Duo issued it.
      if (secretInput === undefined || secretInput === '') {
        if (options.requireSecrets) fields.clientSecret = 'Enter the Client Secret shown on the Duo application page.';
      } else {
        // Issue 13.8: whitespace is flagged, never cut or trimmed away silently; Duo's secrets have none.
        const inner = secretInput.trim();
        const problem = /\s/.test(inner)
          ? 'The Client Secret contains a space or line break, which Duo secrets never do: copy it again from the Duo application page.'
          : checkClientSecret(secretInput);
        if (problem) fields.clientSecret = problem;
        else secrets.clientSecret = secretInput;
      }
    }
    for (const key of Object.keys(values)) {
      if (!KNOWN_FIELDS.includes(key)) fields[key] = 'This field is not recognised. Remove it.';
    }
    if (Object.keys(fields).length > 0) return { ok: false, fields };
    const config: Record<string, string> = { endpoint, clientId, failMode, usernameSource };
    if (usernameSource === 'template') config.usernameTemplate = usernameTemplate;
    return { ok: true, config, secrets };
  },

  endpointOf: (config) => config.endpoint ?? '',
  browserOrigins: (config) => (config.endpoint ? [`https://${config.endpoint}`] : []),
  signInOptions: (config): SignInOptions => ({
    failMode: config.failMode === 'open' ? 'open' : 'closed',
    username: {
      source:
        config.usernameSource === 'email' || config.usernameSource === 'template' ? config.usernameSource : 'username',
      template: config.usernameTemplate ?? '',
    },
  }),
  readCallback(query) {
    // We ask Duo for `duo_code` (use_duo_code_attribute); a bare `code` is not what Duo sends us.
    // The error name comes from the browser's URL and ends up in the audit reason: only a plain OAuth
    // error token is kept, anything else (CR/LF, escapes, markup) is recorded as "unrecognised" (ASVS 16.4.1).
    if (query.error) return { ok: false, reason: `provider_error:${safeToken(query.error, 'unrecognised')}` };
    if (!query.duo_code) return { ok: false, reason: query.code ? 'unexpected_code_parameter' : 'missing_code' };
    if (query.duo_code.length > 4096) return { ok: false, reason: 'code_too_long' };
    return { ok: true, code: query.duo_code };
  },
  create: (config, secrets, context) => createDuoProvider(config, secrets, context),
};
