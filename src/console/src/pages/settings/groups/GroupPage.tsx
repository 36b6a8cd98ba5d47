import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { GroupMember } from '../../../../../shared/api/groups.ts';
import { accessEndpoints } from '../../../api/access-endpoints.ts';
import { isAuthError, toApiError } from '../../../api/client.ts';
import { useQuery } from '../../../api/use-query.ts';
import { StatusBadge } from '../../../components/Badge.tsx';
import { Button, ButtonLink } from '../../../components/Button.tsx';
import { Card } from '../../../components/Card.tsx';
import { type Column, DataTable } from '../../../components/DataTable.tsx';
import { EmptyState } from '../../../components/EmptyState.tsx';
import { ErrorBanner } from '../../../components/ErrorBanner.tsx';
import { LoadingPanel } from '../../../components/Spinner.tsx';
import { Time } from '../../../components/Time.tsx';
import { useToast } from '../../../components/Toast.tsx';
import { PageHeader } from '../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../lib/page-title.ts';
import { AddMembersDialog } from './AddMembersDialog.tsx';
import { DeleteGroupDialog } from './DeleteGroupDialog.tsx';
import { GroupFormDialog } from './GroupFormDialog.tsx';
import { MFA_POLICY_OPTIONS, MfaPolicyBadge } from './group-badges.tsx';

/** One group: its MFA policy, the applications that name it, and its members (add, remove). */
export function GroupPage() {
  const { id } = useParams();
  const groupId = Number(id);
  const valid = Number.isInteger(groupId) && groupId > 0;
  const toast = useToast();
  const navigate = useNavigate();
  const group = useQuery(`group-${id}`, () =>
    valid ? accessEndpoints.group(groupId) : Promise.reject(new Error('bad id')),
  );
  const [open, setOpen] = useState<'edit' | 'delete' | 'add' | null>(null);
  const [removing, setRemoving] = useState<number | null>(null);
  usePageTitle(group.data?.name ?? 'Group', 'Settings');

  const back = (
    <ButtonLink to="/settings/groups" icon="arrowLeft">
      Back to Groups
    </ButtonLink>
  );
  if (!valid || group.error?.code === 'GROUP_NOT_FOUND') {
    return (
      <div className="page-state">
        <EmptyState level={1} icon="compass" title="Group not found" action={back}>
          <p>There is no group with this ID. It may have been deleted.</p>
        </EmptyState>
      </div>
    );
  }
  if (group.error && !isAuthError(group.error))
    return <ErrorBanner error={group.error} title="The group could not be loaded" onRetry={group.reload} />;
  if (!group.data) return <LoadingPanel label="Loading the group…" />;
  const data = group.data;

  const remove = async (member: GroupMember) => {
    setRemoving(member.id);
    try {
      await accessEndpoints.removeMember(data.id, member.id);
      toast(`${member.displayName} is no longer in ${data.name}.`);
      group.reload();
    } catch (failure) {
      toast(toApiError(failure).message);
    } finally {
      setRemoving(null);
    }
  };

  const columns: Column<GroupMember>[] = [
    { key: 'username', header: 'Username', cell: (member) => <span className="mono">{member.username}</span> },
    { key: 'name', header: 'Display name', cell: (member) => member.displayName },
    { key: 'email', header: 'Email', cell: (member) => <span className="cell-email">{member.email}</span> },
    { key: 'status', header: 'Status', cell: (member) => <StatusBadge disabled={member.disabled} /> },
    { key: 'added', header: 'Added', cell: (member) => <Time value={member.addedAt} /> },
    {
      key: 'remove',
      header: <span className="sr-only">Remove</span>,
      className: 'cell-actions',
      cell: (member) => (
        <Button
          size="sm"
          variant="ghost"
          icon="x"
          busy={removing === member.id}
          busyText="Removing…"
          aria-label={`Remove ${member.username} from ${data.name}`}
          onClick={() => remove(member)}
        >
          Remove
        </Button>
      ),
    },
  ];
  const policy = MFA_POLICY_OPTIONS.find((option) => option.value === data.mfaPolicy);

  return (
    <>
      <PageHeader
        eyebrow="Settings · Access · Groups"
        title={data.name}
        description={data.description || undefined}
        actions={
          <>
            {back}
            <Button icon="pencil" onClick={() => setOpen('edit')}>
              Edit
            </Button>
            <Button variant="danger" icon="trash" onClick={() => setOpen('delete')}>
              Delete
            </Button>
          </>
        }
      />
      <div className="group-grid">
        <Card
          title={`Members (${data.members.length})`}
          id="members"
          flush
          actions={
            <Button variant="primary" icon="userPlus" onClick={() => setOpen('add')}>
              Add members
            </Button>
          }
        >
          <DataTable
            caption="Members"
            columns={columns}
            rows={data.members}
            rowKey={(member) => member.id}
            loading={group.loading}
            empty={
              <EmptyState icon="users" title="No members yet">
                <p>Add the users this group stands for.</p>
              </EmptyState>
            }
          />
        </Card>
        <div className="group-aside">
          <Card title="MFA for members" id="mfa">
            <p>
              <MfaPolicyBadge policy={data.mfaPolicy} />
            </p>
            <p className="card-description">{policy?.description}</p>
          </Card>
          <Card title="Used by" id="used-by">
            {data.usedBy.length ? (
              <ul className="plain-list">
                {data.usedBy.map((app) => (
                  <li key={app.id}>
                    <Link to={`/settings/applications/${app.id}`}>{app.name}</Link>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="card-description">No application's rules name this group yet.</p>
            )}
          </Card>
        </div>
      </div>
      {open === 'edit' && (
        <GroupFormDialog
          group={data}
          onClose={() => setOpen(null)}
          onSaved={(saved) => {
            setOpen(null);
            toast(`Group ${saved.name} is saved.`);
            group.reload();
          }}
        />
      )}
      {open === 'delete' && (
        <DeleteGroupDialog
          group={data}
          onClose={() => setOpen(null)}
          onDeleted={() => {
            toast(`Group ${data.name} is deleted.`);
            navigate('/settings/groups');
          }}
        />
      )}
      {open === 'add' && (
        <AddMembersDialog
          group={data}
          memberIds={new Set(data.members.map((member) => member.id))}
          onClose={() => setOpen(null)}
          onAdded={(count) => {
            setOpen(null);
            toast(
              count
                ? `Added ${count === 1 ? 'one member' : `${count} members`} to ${data.name}.`
                : 'They were already members.',
            );
            group.reload();
          }}
        />
      )}
    </>
  );
}
