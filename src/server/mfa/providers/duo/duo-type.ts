import { checkClientId, checkClientSecret, normalizeApiHost } from '../../../duo/index.ts';
import type { FieldErrors } from '../../../errors/catalogue.ts';
import type { MfaProviderType } from '../../provider-type.ts';
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
  ],
  secretKeys: ['clientSecret'],

  parse(values, options) {
    const fields: FieldErrors = {};
    const endpointInput = text(values, 'endpoint', 'Endpoint', fields);
    const clientIdInput = text(values, 'clientId', 'Client ID', fields);
    const secretInput = text(values, 'clientSecret', 'Client Secret', fields);

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
        const problem = checkClientSecret(secretInput);
        if (problem) fields.clientSecret = problem;
        else secrets.clientSecret = secretInput;
      }
    }
    for (const key of Object.keys(values)) {
      if (!['endpoint', 'clientId', 'clientSecret'].includes(key))
        fields[key] = 'This field is not recognised. Remove it.';
    }
    if (Object.keys(fields).length > 0) return { ok: false, fields };
    return { ok: true, config: { endpoint, clientId }, secrets };
  },

  endpointOf: (config) => config.endpoint ?? '',
  browserOrigins: (config) => (config.endpoint ? [`https://${config.endpoint}`] : []),
  create: (config, secrets, context) => createDuoProvider(config, secrets, context),
};
