import { useState } from 'react';
import type { Diagnostic, DiagnosticsResponse } from '../../../../../shared/api/mfa.ts';
import { type ApiError, toApiError } from '../../../api/client.ts';
import { mfaEndpoints } from '../../../api/mfa-endpoints.ts';
import { Badge, type BadgeTone } from '../../../components/Badge.tsx';
import { Button } from '../../../components/Button.tsx';
import { Card } from '../../../components/Card.tsx';
import { ErrorBanner } from '../../../components/ErrorBanner.tsx';
import { Icon, type IconName } from '../../../components/Icon.tsx';
import { LoadingPanel } from '../../../components/Spinner.tsx';
import { formatDateTime, plural } from '../../../lib/format.ts';

const STATUS: Record<Diagnostic['status'], { icon: IconName; label: string; tone: BadgeTone }> = {
  pass: { icon: 'checkCircle', label: 'Pass', tone: 'success' },
  warn: { icon: 'alert', label: 'Warning', tone: 'warning' },
  fail: { icon: 'xCircle', label: 'Fail', tone: 'danger' },
  skipped: { icon: 'minusCircle', label: 'Skipped', tone: 'neutral' },
};

function summary(checks: Diagnostic[]): string {
  const count = (status: Diagnostic['status']) => checks.filter((check) => check.status === status).length;
  const parts = [`${count('pass')} passed`];
  if (count('warn')) parts.push(plural(count('warn'), 'warning'));
  if (count('fail')) parts.push(`${count('fail')} failed`);
  if (count('skipped')) parts.push(`${count('skipped')} skipped`);
  return parts.join(', ');
}

/** Each check with its status, message and fix; also what the Application URL's change dialog shows. */
export function DiagnosticsList({ checks, label = 'Diagnostic checks' }: { checks: Diagnostic[]; label?: string }) {
  return (
    <ul className="diagnostics-list" aria-label={label}>
      {checks.map((check) => {
        const status = STATUS[check.status];
        return (
          <li key={check.id} className={`diagnostic diagnostic-${check.status}`}>
            <Icon name={status.icon} size={18} className="diagnostic-icon" />
            <div className="diagnostic-body">
              <p className="diagnostic-head">
                <span className="diagnostic-label">{check.label}</span>
                <Badge tone={status.tone}>{status.label}</Badge>
              </p>
              <p className="diagnostic-message">{check.message}</p>
              {check.fix && (
                <p className="diagnostic-fix">
                  <strong>Fix:</strong> {check.fix}
                </p>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** Diagnostics: the seed's prerequisites (DNS, certificate, direct connection to Duo, clock), each with a fix. */
export function DiagnosticsCard() {
  const [result, setResult] = useState<DiagnosticsResponse | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const run = async () => {
    setRunning(true);
    setError(null);
    try {
      setResult(await mfaEndpoints.diagnostics());
    } catch (failure) {
      setError(toApiError(failure));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Card
      title="Diagnostics"
      id="diagnostics"
      description="Checks what MFA with Duo needs: the Application URL resolves in DNS and has a valid certificate, Duo is reachable directly (no proxy), and the clocks agree."
      actions={
        <Button
          icon="activity"
          variant={result ? 'secondary' : 'primary'}
          onClick={run}
          busy={running}
          busyText="Running…"
        >
          {result ? 'Run again' : 'Run diagnostics'}
        </Button>
      }
    >
      {error && <ErrorBanner error={error} title="The diagnostics could not run" onRetry={run} />}
      {running ? (
        <LoadingPanel label="Running diagnostics: DNS, certificate, Duo and the clock. This can take a few seconds…" />
      ) : result ? (
        <div className="diagnostics">
          <p className="diagnostics-summary" role="status">
            {summary(result.checks)} · ran {formatDateTime(result.ranAt)}
          </p>
          <DiagnosticsList checks={result.checks} />
        </div>
      ) : (
        !error && (
          <p className="muted">
            Run the diagnostics after setting the Application URL or registering a provider, and whenever sign-ins with
            MFA fail.
          </p>
        )
      )}
    </Card>
  );
}
