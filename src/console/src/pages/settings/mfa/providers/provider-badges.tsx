import type { HealthResultView, ProviderView } from '../../../../../../shared/api/providers.ts';
import { Badge, type BadgeTone } from '../../../../components/Badge.tsx';
import { Icon } from '../../../../components/Icon.tsx';
import { Notice } from '../../../../components/Notice.tsx';
import { formatRelative, formatUtc } from '../../../../lib/format.ts';

const CHECK_STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  ok: { label: 'Passed', tone: 'success' },
  invalid_credentials: { label: 'Invalid credentials', tone: 'danger' },
  clock_skew: { label: 'Clock skew', tone: 'warning' },
  unreachable: { label: 'Unreachable', tone: 'warning' },
  error: { label: 'Failed', tone: 'danger' },
};

export function checkStatus(status: string) {
  return CHECK_STATUS[status] ?? { label: status, tone: 'neutral' as const };
}

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return enabled ? (
    <Badge tone="success" dot>
      Enabled
    </Badge>
  ) : (
    <Badge dot>Disabled</Badge>
  );
}

export const failsOpen = (provider: ProviderView) => provider.values.failMode === 'open';

/** The last connection check: a badge and how long ago, with the check's message as a tooltip. */
export function LastCheck({ check }: { check: ProviderView['lastCheck'] }) {
  if (!check) return <span className="muted">Never</span>;
  const { label, tone } = checkStatus(check.status);
  return (
    <span className="cell-stack" title={`${check.message}\n${formatUtc(check.at)}`}>
      <span>
        <Badge tone={tone} dot>
          {label}
        </Badge>
      </span>
      <time className="cell-sub" dateTime={check.at}>
        {formatRelative(check.at)}
      </time>
      <span className="sr-only">{check.message}</span>
    </span>
  );
}

/** A connection check spelled out: what happened and what to do, in the tone of its outcome. */
export function CheckResult({ check, title }: { check: HealthResultView; title?: string }) {
  const { label, tone } = checkStatus(check.status);
  const ok = check.status === 'ok';
  return (
    <div className={`banner banner-${ok ? 'success' : tone === 'warning' ? 'warning' : 'danger'}`}>
      <Icon name={ok ? 'checkCircle' : 'alertCircle'} size={18} className="banner-icon" />
      <div className="banner-body">
        <p className="banner-title">
          {title ?? (ok ? 'Connection checked' : `Connection check: ${label.toLowerCase()}`)}
        </p>
        <p>{check.message}</p>
        {check.hint && <p>{check.hint}</p>}
        <p className="banner-meta">
          Checked <time dateTime={check.checkedAt}>{formatRelative(check.checkedAt)}</time>
          {check.cause && (
            <>
              {' '}
              · cause <code>{check.cause}</code>
            </>
          )}
        </p>
      </div>
    </div>
  );
}

/** In the report: this provider is configured by a providers file (`provider apply`), not here. */
export function ManagedByCodeBadge({ managedBy }: { managedBy: string }) {
  return (
    <span
      title={`Managed by code: portcullis provider apply ${managedBy}. Changes made here are overwritten at its next apply.`}
    >
      <Badge tone="accent">Managed by {managedBy}</Badge>
    </span>
  );
}

/**
 * Issue 13.12: before a console change to a provider a providers file manages, say that the next
 * `provider apply` puts the file's settings back.
 */
export function ManagedByCodeNotice({ managedBy }: { managedBy: string }) {
  return (
    <Notice tone="warning" title={`Managed by code (${managedBy})`}>
      This provider is set by <span className="mono">portcullis provider apply {managedBy}</span>. A change made here
      works until that file is applied again, which puts the file's settings back. Change the file instead to keep it.
    </Notice>
  );
}
