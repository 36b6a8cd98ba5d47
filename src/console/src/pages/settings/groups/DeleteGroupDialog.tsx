import { useState } from 'react';
import type { GroupView } from '../../../../../shared/api/groups.ts';
import { accessEndpoints } from '../../../api/access-endpoints.ts';
import { type ApiError, toApiError } from '../../../api/client.ts';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';
import { plural } from '../../../lib/format.ts';

/** Delete a group: refused (and said why) while an application's rules name it. */
export function DeleteGroupDialog({
  group,
  onClose,
  onDeleted,
}: {
  group: Pick<GroupView, 'id' | 'name' | 'memberCount' | 'usedBy'>;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const inUse = group.usedBy.length > 0;
  return (
    <ConfirmDialog
      title={`Delete ${group.name}?`}
      confirmLabel="Delete group"
      busyLabel="Deleting…"
      busy={busy}
      error={error}
      onCancel={onClose}
      onConfirm={async () => {
        setBusy(true);
        setError(null);
        try {
          await accessEndpoints.deleteGroup(group.id);
          onDeleted();
        } catch (failure) {
          setError(toApiError(failure));
          setBusy(false);
        }
      }}
    >
      {inUse ? (
        <p>
          The rules of {group.usedBy.map((app) => `“${app.name}”`).join(', ')} name this group, so it cannot be deleted
          yet: remove it from those rules first.
        </p>
      ) : (
        <p>
          Its {plural(group.memberCount, 'member')} stay as users; they only leave the group. Their MFA requirement goes
          back to what their other groups and the instance policy say.
        </p>
      )}
    </ConfirmDialog>
  );
}
