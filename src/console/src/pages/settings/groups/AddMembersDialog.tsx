import { useState } from 'react';
import { accessEndpoints } from '../../../api/access-endpoints.ts';
import { type ApiError, toApiError } from '../../../api/client.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Button } from '../../../components/Button.tsx';
import { Dialog } from '../../../components/Dialog.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { LoadingPanel } from '../../../components/Spinner.tsx';
import { plural } from '../../../lib/format.ts';
import { SearchBox } from './SearchBox.tsx';

/** Find users by name or email and tick the ones to add; those already in the group are shown as such. */
export function AddMembersDialog({
  group,
  memberIds,
  onClose,
  onAdded,
}: {
  group: { id: number; name: string };
  memberIds: ReadonlySet<number>;
  onClose: () => void;
  onAdded: (count: number) => void;
}) {
  const [q, setQ] = useState('');
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const users = useQuery(`members-${q}`, (signal) =>
    endpoints.listUsers({ ...(q.trim() && { q: q.trim() }), pageSize: 50 }, signal),
  );

  const toggle = (id: number) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const add = async () => {
    setBusy(true);
    setError(null);
    try {
      const { added } = await accessEndpoints.addMembers(group.id, [...chosen]);
      onAdded(added);
    } catch (failure) {
      setError(toApiError(failure));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Add members to ${group.name}`}
      description="Members are checked against the rules that name this group at their next request (within seconds)."
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" onClick={add} disabled={chosen.size === 0} busy={busy} busyText="Adding…">
            {chosen.size ? `Add ${plural(chosen.size, 'member')}` : 'Add members'}
          </Button>
        </>
      }
    >
      <FormError error={error} />
      <SearchBox label="Search users" placeholder="Username, name or email" value={q} onSearch={setQ} />
      {!users.data ? (
        <LoadingPanel label="Loading users…" />
      ) : users.data.items.length === 0 ? (
        <p className="muted">No user matches “{q}”.</p>
      ) : (
        <ul className="pick-list" aria-label="Users">
          {users.data.items.map((user) => {
            const member = memberIds.has(user.id);
            return (
              <li key={user.id}>
                <label className={member ? 'pick-item pick-item-done' : 'pick-item'}>
                  <input
                    type="checkbox"
                    className="checkbox"
                    checked={member || chosen.has(user.id)}
                    disabled={member}
                    onChange={() => toggle(user.id)}
                  />
                  <span className="cell-stack">
                    <span>
                      <span className="mono">{user.username}</span> · {user.displayName}
                    </span>
                    <span className="cell-sub">{member ? 'Already a member' : user.email}</span>
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {users.data && users.data.total > users.data.items.length && (
        <p className="field-hint">
          Showing the first {users.data.items.length} of {users.data.total}: search to narrow down.
        </p>
      )}
    </Dialog>
  );
}
