import { useState } from 'react';
import type { MySession } from '../../../../shared/api/session.ts';
import { type ApiError, toApiError } from '../../api/client.ts';
import { endpoints } from '../../api/endpoints.ts';
import { useQuery } from '../../api/use-query.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Card } from '../../components/Card.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Time } from '../../components/Time.tsx';
import { useToast } from '../../components/Toast.tsx';
import { describeUserAgent, plural } from '../../lib/format.ts';

const AUTH_LEVELS: Record<string, string> = {
  password: 'Password',
  mfa: 'Password + MFA',
  single_factor_bypass: 'Password (MFA bypassed)',
};

const COLUMNS: Column<MySession>[] = [
  {
    key: 'device',
    header: 'Device',
    cell: (session) => (
      <span className="cell-device">
        <Icon name="monitor" />
        <span title={session.userAgent ?? undefined}>{describeUserAgent(session.userAgent)}</span>
        {session.current && <Badge tone="accent">This device</Badge>}
      </span>
    ),
  },
  { key: 'ip', header: 'IP address', cell: (session) => <span className="mono">{session.ip ?? '—'}</span> },
  { key: 'created', header: 'Signed in', cell: (session) => <Time value={session.createdAt} /> },
  { key: 'seen', header: 'Last active', cell: (session) => <Time value={session.lastSeenAt} /> },
  { key: 'level', header: 'Verified with', cell: (session) => AUTH_LEVELS[session.authLevel] ?? session.authLevel },
];

export function SessionsCard({ version }: { version: number }) {
  const toast = useToast();
  const query = useQuery(`my-sessions-${version}`, () => endpoints.mySessions());
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const others = query.data?.items.filter((session) => !session.current).length ?? 0;

  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      const { sessionsEnded } = await endpoints.revokeOtherSessions();
      setConfirming(false);
      toast(
        sessionsEnded > 0
          ? `Signed out of ${plural(sessionsEnded, 'other session')}.`
          : 'No other sessions were active.',
      );
      query.reload();
    } catch (failure) {
      setError(toApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title="Active sessions"
      id="sessions"
      description="Browsers where your account is signed in. Sign them out if you do not recognise one."
      actions={
        <Button icon="logOut" disabled={others === 0} onClick={() => setConfirming(true)}>
          Sign out other sessions
        </Button>
      }
      flush
    >
      {query.error ? (
        <div className="card-pad">
          <ErrorBanner error={query.error} title="Your sessions could not be loaded" onRetry={query.reload} />
        </div>
      ) : (
        <DataTable
          caption="Active sessions"
          columns={COLUMNS}
          rows={query.data?.items}
          rowKey={(session) => session.id}
          loading={query.loading}
          empty={<EmptyState icon="monitor" title="No active sessions" />}
        />
      )}
      {confirming && (
        <ConfirmDialog
          title="Sign out other sessions?"
          confirmLabel="Sign out other sessions"
          busyLabel="Signing out…"
          busy={busy}
          error={error}
          onConfirm={revoke}
          onCancel={() => {
            setConfirming(false);
            setError(null);
          }}
        >
          <p>{plural(others, 'other session')} will end right away. You stay signed in on this device.</p>
        </ConfirmDialog>
      )}
    </Card>
  );
}
