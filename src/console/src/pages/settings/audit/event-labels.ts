/** Plain-language names for audit event types; unknown (newer) types fall back to the raw name. */
const LABELS: Record<string, string> = {
  'setup.completed': 'Setup completed',
  'user.created': 'User created',
  'user.updated': 'User changed',
  'user.disabled': 'User disabled',
  'user.enabled': 'User enabled',
  'user.password_reset': 'Password reset by an administrator',
  'user.password_changed': 'Password changed',
  'user.sessions_revoked': 'Sessions ended',
  'login.succeeded': 'Signed in',
  'login.failed': 'Sign-in failed',
  'login.throttled': 'Sign-in throttled',
  'login.mfa_started': 'MFA step started',
  'login.mfa_failed': 'MFA step failed',
  'login.mfa_bypassed': 'MFA step bypassed',
  'login.mfa_unavailable': 'MFA unavailable at sign-in',
  'user.mfa_configured': 'MFA set up',
  'user.mfa_reset': 'MFA reset by an administrator',
  'mfa_provider.created': 'MFA provider added',
  'mfa_provider.updated': 'MFA provider changed',
  'mfa_provider.enabled': 'MFA provider enabled',
  'mfa_provider.disabled': 'MFA provider disabled',
  'mfa_provider.deleted': 'MFA provider deleted',
  'mfa_provider.tested': 'MFA provider tested',
  'mfa_provider.secret_rotated': 'MFA provider secret replaced',
  'keys.rotated': 'Master key rotated',
  'session.signed_out': 'Signed out',
  'audit.exported': 'Audit log exported',
  'settings.updated': 'Settings changed',
  'audit.archived': 'Audit records archived',
  'audit.pruned': 'Audit records pruned',
  'audit_destination.created': 'Forwarding destination added',
  'audit_destination.updated': 'Forwarding destination changed',
  'audit_destination.deleted': 'Forwarding destination removed',
  'audit_destination.tested': 'Forwarding destination tested',
};

const FAMILIES: Record<string, string> = {
  setup: 'Setup',
  user: 'Users',
  login: 'Sign-in',
  session: 'Sessions',
  audit: 'Audit log',
  settings: 'Settings',
  mfa_provider: 'MFA providers',
  keys: 'Keys',
  audit_destination: 'Audit forwarding',
};

export function eventLabel(type: string): string {
  return LABELS[type] ?? type;
}

/** "login.*" options for each family that has more than one event, then every event. */
export function eventTypeOptions(eventTypes: string[]) {
  const counts = new Map<string, number>();
  for (const type of eventTypes) {
    const family = type.split('.')[0] ?? type;
    counts.set(family, (counts.get(family) ?? 0) + 1);
  }
  const families = [...counts.entries()]
    .filter(([, count]) => count > 1)
    .map(([family]) => ({ value: `${family}.*`, label: `${FAMILIES[family] ?? family}: all events (${family}.*)` }));
  const events = eventTypes.map((type) => ({ value: type, label: `${eventLabel(type)} (${type})` }));
  return { families, events };
}
