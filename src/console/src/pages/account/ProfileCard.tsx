import { isAuthError } from '../../api/client.ts';
import { endpoints } from '../../api/endpoints.ts';
import { useQuery } from '../../api/use-query.ts';
import { RoleBadge, StatusBadge } from '../../components/Badge.tsx';
import { Card } from '../../components/Card.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Time } from '../../components/Time.tsx';
import { useUser } from '../../session/session-context.ts';

export function ProfileCard() {
  const sessionUser = useUser();
  const query = useQuery('me', () => endpoints.me());
  const user = query.data ?? sessionUser;
  return (
    <Card title="Profile" id="profile" description="Only an administrator can change your name, email or role.">
      {query.error && !isAuthError(query.error) && <ErrorBanner error={query.error} onRetry={query.reload} />}
      <dl className="details-list">
        <div>
          <dt>Display name</dt>
          <dd>{user.displayName}</dd>
        </div>
        <div>
          <dt>Username</dt>
          <dd className="mono">{user.username}</dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd>{user.email}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>
            <RoleBadge role={user.role} /> <StatusBadge disabled={user.disabled} />
          </dd>
        </div>
        <div>
          <dt>Member since</dt>
          <dd>
            <Time value={user.createdAt} />
          </dd>
        </div>
        <div>
          <dt>Last sign-in</dt>
          <dd>
            <Time value={user.lastLoginAt} fallback="Never" />
          </dd>
        </div>
      </dl>
    </Card>
  );
}
