import { checkClientId, checkClientSecret, normalizeApiHost } from '../../../duo/index.ts';
import type { FieldErrors } from '../../../errors/catalogue.ts';
import type { ParsedSettings } from '../../provider-type.ts';
import { DUO_FIELDS } from './duo-fields.ts';
import { checkUsernameTemplate } from './duo-username.ts';

const KNOWN_FIELDS = DUO_FIELDS.map((field) => field.key);
const ADMIN_KEY = /^DI[A-Z0-9]{18}$/;

function text(values: Record<string, unknown>, key: string, label: string, fields: FieldErrors): string | undefined {
  const value = values[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    fields[key] = `${label} must be text.`;
    return undefined;
  }
  return value;
}

/** A tick: "yes"/"no" from the console, true/false from a providers file. */
function tick(values: Record<string, unknown>, key: string, fields: FieldErrors): boolean {
  const value = values[key];
  if (value === undefined || value === null || value === false || value === 'no' || value === '') return false;
  if (value === true || value === 'yes') return true;
  fields[key] = 'Tick it or leave it unticked (yes or no).';
  return false;
}

function checkAdminIntegrationKey(value: string, clientId: string): string | null {
  if (value === '') return 'Enter the integration key of the Admin API application, or untick "Use the Duo Admin API".';
  if (value.trim() !== value) return 'The integration key has spaces around it; paste it again without them.';
  if (!ADMIN_KEY.test(value))
    return `The integration key is 20 capital letters and digits starting with DI (this one has ${value.length} characters); copy it again from the Admin API application's page.`;
  if (value === clientId)
    return 'This is the Client ID of the Web SDK application. The Admin API needs an application of its own: Applications › Protect an Application › Admin API.';
  return null;
}

function checkAdminSecretKey(value: string): string | null {
  if (value.length === 40) return null;
  if (value.trim().length === 40) return 'The secret key has spaces around it; paste it again without them.';
  // Only the length is reported: the value itself is never echoed.
  return `The secret key is exactly 40 characters (this one has ${value.length}); copy it again from the Admin API application's page.`;
}

/**
 * The optional Admin API application: its keys are validated only when "Use the Duo Admin API" is
 * ticked; unticked, nothing of it is stored and a stored secret key is removed.
 */
function parseAdminApi(
  values: Record<string, unknown>,
  context: { endpoint: string; clientId: string; allowCustomHosts: boolean; requireSecret: boolean },
  fields: FieldErrors,
): { config: Record<string, string>; secrets: Record<string, string>; clear: string[] } {
  if (!tick(values, 'adminApi', fields)) return { config: {}, secrets: {}, clear: ['adminSecretKey'] };
  const integrationKey = text(values, 'adminIntegrationKey', 'Admin API integration key', fields) ?? '';
  const secretKey = text(values, 'adminSecretKey', 'Admin API secret key', fields);
  const hostInput = (text(values, 'adminApiHost', 'Admin API hostname', fields) ?? '').trim();
  const config: Record<string, string> = { adminApi: 'yes', adminIntegrationKey: integrationKey };
  const secrets: Record<string, string> = {};
  if (!fields.adminIntegrationKey) {
    const problem = checkAdminIntegrationKey(integrationKey, context.clientId);
    if (problem) fields.adminIntegrationKey = problem;
  }
  if (!fields.adminSecretKey) {
    if (secretKey === undefined || secretKey === '') {
      if (context.requireSecret)
        fields.adminSecretKey = "Enter the secret key shown on the Admin API application's page.";
    } else {
      const problem = checkAdminSecretKey(secretKey);
      if (problem) fields.adminSecretKey = problem;
      else secrets.adminSecretKey = secretKey;
    }
  }
  if (!fields.adminApiHost) {
    if (hostInput === '') config.adminApiHost = context.endpoint;
    else {
      const host = normalizeApiHost(hostInput, { allowCustomHosts: context.allowCustomHosts });
      if (host.ok) config.adminApiHost = host.host;
      else fields.adminApiHost = host.message;
    }
  }
  return { config, secrets, clear: [] };
}

/** Validates and normalises the Duo form: every problem at once, each in the words of its field. */
export function parseDuoSettings(
  values: Record<string, unknown>,
  options: { allowCustomHosts: boolean; requireSecrets: boolean; storedSecrets?: readonly string[] },
): ParsedSettings {
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
  const admin = parseAdminApi(
    values,
    {
      endpoint,
      clientId,
      allowCustomHosts: options.allowCustomHosts,
      requireSecret: options.requireSecrets || !options.storedSecrets?.includes('adminSecretKey'),
    },
    fields,
  );
  for (const key of Object.keys(values)) {
    if (!KNOWN_FIELDS.includes(key)) fields[key] = 'This field is not recognised. Remove it.';
  }
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  const config: Record<string, string> = { endpoint, clientId, failMode, usernameSource };
  if (usernameSource === 'template') config.usernameTemplate = usernameTemplate;
  return {
    ok: true,
    config: { ...config, ...admin.config },
    secrets: { ...secrets, ...admin.secrets },
    ...(admin.clear.length > 0 && { clearSecrets: admin.clear }),
  };
}
