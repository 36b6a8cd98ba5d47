import type { Attention } from '../../../../shared/api/mfa.ts';
import { plural } from '../../lib/format.ts';
import { checkStatus } from '../settings/mfa/providers/provider-badges.tsx';

/** One thing an administrator should look at, with where to look. */
export interface AttentionItem {
  key: string;
  tone: 'danger' | 'warning';
  title: string;
  text: string;
  to: string;
  /** Unique on the page, so a screen reader's list of links tells them apart. */
  linkLabel: string;
  checkedAt?: string | null;
}

/** The audit log filtered on one event type (the filter lives in the address). */
export const auditLogOf = (type: string) => `/settings/audit?${new URLSearchParams({ type }).toString()}`;

function providerItem(provider: Attention['providers'][number]): AttentionItem {
  const unusable = provider.status === 'unusable';
  const { label, tone } = checkStatus(provider.status);
  return {
    key: `provider-${provider.id}`,
    tone: unusable || tone !== 'warning' ? 'danger' : 'warning',
    title: unusable
      ? `${provider.name} is unusable`
      : `${provider.name} failed its last connection check (${label.toLowerCase()})`,
    text: provider.problem,
    to: `/settings/mfa/providers/${provider.id}`,
    linkLabel: `Open ${provider.name}`,
    checkedAt: unusable ? null : provider.checkedAt,
  };
}

/**
 * What needs an administrator now, the most serious first: sign-ins that skipped MFA (a provider
 * set to fail open while Duo was unreachable), failing providers, refusals, throttled sign-ins.
 */
export function attentionItems(attention: Attention): AttentionItem[] {
  const items: AttentionItem[] = [];
  if (attention.mfaBypassed > 0) {
    items.push({
      key: 'bypassed',
      tone: 'danger',
      title: `${plural(attention.mfaBypassed, 'sign-in')} skipped MFA in the last 24 hours because Duo was unreachable`,
      text: 'A provider set to fail open let these people in with their password alone. Check who signed in, and whether the provider should fail closed instead.',
      to: auditLogOf('login.mfa_bypassed'),
      linkLabel: 'Review the sign-ins without MFA',
    });
  }
  items.push(...attention.providers.map(providerItem));
  if (attention.keysCloneSuspected > 0) {
    items.push({
      key: 'clones',
      tone: 'danger',
      title: `${plural(attention.keysCloneSuspected, 'security key')} may have been copied (last 24 hours)`,
      text: 'A key answered with a signature counter lower than before, which a copied key does. The sign-in was refused. Ask the owner, and remove the key under Settings › Users › MFA methods.',
      to: auditLogOf('user.factor_clone_suspected'),
      linkLabel: 'Review the suspected copies',
    });
  }
  if (attention.duoDenied > 0) {
    items.push({
      key: 'duo-denied',
      tone: 'warning',
      title: `${plural(attention.duoDenied, 'denied or fraud-reported Duo push', 'denied or fraud-reported Duo pushes')} in the last 24 hours`,
      text: "Someone refused a sign-in at Duo, or reported it as fraud: whoever started it may know that person's password. Check who it was, and reset their password if they did not start it.",
      to: auditLogOf('duo.*'),
      linkLabel: 'Review the denied Duo sign-ins',
    });
  }
  if (attention.recoveryCodesUsed > 0) {
    items.push({
      key: 'recovery',
      tone: 'warning',
      title: `${plural(attention.recoveryCodesUsed, 'sign-in')} with a recovery code in the last 24 hours`,
      text: 'Someone lost access to their usual method, or their codes are known to someone else. Check that it was them, and help them set up a method again.',
      to: auditLogOf('login.recovery_code_used'),
      linkLabel: 'Review the recovery-code sign-ins',
    });
  }
  if (attention.mfaUnavailable > 0) {
    items.push({
      key: 'unavailable',
      tone: 'warning',
      title: `${plural(attention.mfaUnavailable, 'sign-in')} refused in the last 24 hours because MFA was unavailable`,
      text: 'These people could not sign in: their provider could not be reached, or no provider was usable.',
      to: auditLogOf('login.mfa_unavailable'),
      linkLabel: 'Review the refused sign-ins',
    });
  }
  if (attention.signInsThrottled > 0) {
    items.push({
      key: 'throttled',
      tone: 'warning',
      title: `${plural(attention.signInsThrottled, 'sign-in')} throttled in the last 24 hours`,
      text: 'Too many wrong passwords for one account or from one address: someone may be guessing.',
      to: auditLogOf('login.throttled'),
      linkLabel: 'Review the throttled sign-ins',
    });
  }
  return items;
}
