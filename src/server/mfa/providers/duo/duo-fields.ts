import type { ProviderField } from '../../provider-type.ts';

/** Shown, validated and stored only with "Use the Duo Admin API" ticked. */
const withAdminApi = { showWhen: { key: 'adminApi', equals: 'yes' } } as const;

/**
 * The Duo provider's form, in the order the console shows it: the Web SDK application (Segura's
 * "Provider registration" screen, Endpoint = Duo's "API hostname"), then the optional Admin API
 * application (ADR 0020).
 */
export const DUO_FIELDS: ProviderField[] = [
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
    // Required while shown (with "Template").
    required: true,
    maxLength: 200,
    showWhen: { key: 'usernameSource', equals: 'template' },
  },
  {
    key: 'adminApi',
    label: 'Use the Duo Admin API',
    kind: 'checkbox',
    help: "Optional. With an Admin API application, Portcullis checks each user's Duo status before sending them to Duo, can remove a lost phone when you reset someone's MFA, and copies Duo's denied and fraud-reported sign-ins into the audit log.",
    required: false,
    maxLength: 3,
  },
  {
    key: 'adminIntegrationKey',
    label: 'Admin API integration key',
    kind: 'text',
    help: 'From the Admin API application in the Duo Admin Panel (not the Web SDK one): 20 letters and digits starting with DI.',
    placeholder: 'DIXXXXXXXXXXXXXXXXXX',
    required: true,
    maxLength: 20,
    ...withAdminApi,
  },
  {
    key: 'adminSecretKey',
    label: 'Admin API secret key',
    kind: 'secret',
    help: 'The secret key of that Admin API application: 40 characters. Stored encrypted and never shown again.',
    required: true,
    maxLength: 40,
    ...withAdminApi,
  },
  {
    key: 'adminApiHost',
    label: 'Admin API hostname',
    kind: 'text',
    help: 'Usually the same as the Endpoint above (every application of a Duo account shares its API hostname). Leave it blank to use the Endpoint.',
    placeholder: 'Same as the Endpoint',
    required: false,
    maxLength: 255,
    ...withAdminApi,
  },
];
