import type { ReactNode } from 'react';
import type { SystemInfo } from '../../../api/endpoints.ts';
import { Badge } from '../../../components/Badge.tsx';
import { Card } from '../../../components/Card.tsx';
import { Notice } from '../../../components/Notice.tsx';
import { Time } from '../../../components/Time.tsx';
import { plural } from '../../../lib/format.ts';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const ENVIRONMENTS = { production: 'success', development: 'warning', test: 'neutral' } as const;

export function SystemCards({ info }: { info: SystemInfo }) {
  const { idleMinutes, absoluteHours, freshMinutes } = info.sessionLimits;
  return (
    <>
      {!info.https && (
        <Notice tone="warning" title="This page was not reached over HTTPS">
          Session cookies are not marked Secure on plain HTTP. Put Portcullis behind HTTPS (its own certificate or a
          trusted reverse proxy) before people sign in from other machines. MFA with Duo also requires HTTPS.
        </Notice>
      )}
      <div className="system-grid">
        <Card title="Portal" id="system-portal">
          <dl className="details-list">
            <Row label="Version">
              <span className="mono">{info.version}</span>
            </Row>
            <Row label="Environment">
              <Badge tone={ENVIRONMENTS[info.environment]}>{info.environment}</Badge>
            </Row>
            <Row label="HTTPS">
              {info.https ? (
                <Badge tone="success" dot>
                  Yes
                </Badge>
              ) : (
                <Badge tone="warning" dot>
                  No
                </Badge>
              )}
            </Row>
          </dl>
        </Card>
        <Card title="Runtime" id="system-runtime">
          <dl className="details-list">
            <Row label="Database">{info.database === 'postgres' ? 'PostgreSQL' : 'SQLite'}</Row>
            <Row label="Node.js">
              <span className="mono">{info.nodeVersion}</span>
            </Row>
            <Row label="Running since">
              <Time value={info.startedAt} />
            </Row>
          </dl>
        </Card>
        <Card title="Sessions" id="system-sessions" description="Set with PORTCULLIS_SESSION_* variables.">
          <dl className="details-list">
            <Row label="Idle limit">{plural(idleMinutes, 'minute')} without activity</Row>
            <Row label="Absolute limit">{plural(absoluteHours, 'hour')} after sign-in</Row>
            <Row label="Recent sign-in window">{plural(freshMinutes, 'minute')} for sensitive changes</Row>
          </dl>
        </Card>
        <Card
          title="Encryption"
          id="system-encryption"
          description="Secrets such as MFA client secrets are sealed at rest."
        >
          <dl className="details-list">
            <Row label="Active key version">
              <span className="mono">v{info.secretKeyVersion}</span>
            </Row>
          </dl>
        </Card>
      </div>
    </>
  );
}
