// The JSON shapes of Duo's Admin API objects, built from the emulator's store and log.
import type { StoredUser } from './store.ts';
import type { AuthLogEntry } from './types.ts';

/** Admin API writes "locked out" with a space. */
const ADMIN_STATUS: Record<StoredUser['status'], string> = {
  active: 'active',
  bypass: 'bypass',
  disabled: 'disabled',
  locked_out: 'locked out',
};

/** "+1 555-0100" → "+15550100": the Admin API gives numbers in E.164 form. */
const e164 = (phone: string): string => phone.replace(/[^\d+]/g, '');

export function phoneView(user: StoredUser) {
  if (!user.enrolled || !user.phoneKey) return [];
  return [
    {
      phone_id: user.phoneKey,
      number: e164(user.phone ?? ''),
      extension: '',
      name: '',
      type: 'Mobile',
      platform: 'Google Android',
      model: 'Simulated phone',
      activated: true,
      sms_passcodes_sent: false,
      capabilities: ['auto', 'push', 'sms', 'phone', 'mobile_otp'],
      last_seen: user.lastLogin === undefined ? '' : new Date(user.lastLogin * 1000).toISOString().slice(0, 19),
    },
  ];
}

export function userView(user: StoredUser) {
  return {
    user_id: user.userKey,
    username: user.username,
    realname: '',
    firstname: '',
    lastname: '',
    email: '',
    status: ADMIN_STATUS[user.status],
    is_enrolled: user.enrolled,
    phones: phoneView(user),
    tokens: [],
    u2ftokens: [],
    webauthncredentials: [],
    desktoptokens: [],
    groups: [],
    aliases: {},
    alias1: null,
    alias2: null,
    alias3: null,
    alias4: null,
    notes: '',
    created: user.created ?? 0,
    last_login: user.lastLogin ?? null,
    last_directory_sync: null,
  };
}

export function authLogView(entry: AuthLogEntry) {
  return {
    ...entry,
    email: '',
    ood_software: null,
    trusted_endpoint_status: 'unknown',
    adaptive_trust_assessments: {},
    access_device: { ...entry.access_device, location: { city: null, country: null, state: null } },
    auth_device: { ...entry.auth_device, location: { city: null, country: null, state: null } },
  };
}
