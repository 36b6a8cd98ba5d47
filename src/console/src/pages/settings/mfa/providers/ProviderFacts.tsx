import type { ProviderView } from '../../../../../../shared/api/providers.ts';
import { Card } from '../../../../components/Card.tsx';
import { Time } from '../../../../components/Time.tsx';
import { EnabledBadge, LastCheck } from './provider-badges.tsx';

/** The record beside its form: state, who depends on it, who changed it last. */
export function ProviderFacts({ provider }: { provider: ProviderView }) {
  return (
    <Card title="Provider" id="provider-facts">
      <dl className="details-list details-list-compact">
        <div>
          <dt>ID</dt>
          <dd className="mono">{provider.id}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>{provider.typeLabel}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>
            <EnabledBadge enabled={provider.enabled} />
          </dd>
        </div>
        <div>
          <dt>Last check</dt>
          <dd>
            <LastCheck check={provider.lastCheck} />
          </dd>
        </div>
        <div>
          <dt>Users</dt>
          <dd>{provider.affectedUsers}</dd>
        </div>
        <div>
          <dt>Managed by</dt>
          <dd>{provider.managedBy ? <span className="mono">{provider.managedBy}</span> : 'This console'}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <Time value={provider.createdAt} />
            {provider.createdBy && <span className="cell-sub"> by {provider.createdBy}</span>}
          </dd>
        </div>
        <div>
          <dt>Changed</dt>
          <dd>
            <Time value={provider.updatedAt} />
            {provider.updatedBy && <span className="cell-sub"> by {provider.updatedBy}</span>}
          </dd>
        </div>
      </dl>
    </Card>
  );
}
