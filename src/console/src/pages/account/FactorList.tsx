import { useState } from 'react';
import type { FactorViewData } from '../../../../shared/api/mfa.ts';
import type { ApiError } from '../../api/client.ts';
import { toApiError } from '../../api/client.ts';
import { mfaEndpoints } from '../../api/mfa-endpoints.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { TextField } from '../../components/Field.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { Icon, type IconName } from '../../components/Icon.tsx';
import { Time } from '../../components/Time.tsx';
import { useToast } from '../../components/Toast.tsx';
import { useForm } from '../../forms/use-form.ts';

const ICONS: Record<string, IconName> = { duo: 'smartphone', totp: 'clock', webauthn: 'shieldCheck' };

/** My methods: what each is, when it was added and last used; rename, offer first, remove. */
export function FactorList({ factors, onChanged }: { factors: FactorViewData[]; onChanged: () => void }) {
  const toast = useToast();
  const [renaming, setRenaming] = useState<FactorViewData | null>(null);
  const [removing, setRemoving] = useState<FactorViewData | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const makeDefault = async (factor: FactorViewData) => {
    try {
      await mfaEndpoints.makeDefaultFactor(factor.id);
      toast(`${factor.label} is now offered first at sign-in.`);
      onChanged();
    } catch (failure) {
      toast(toApiError(failure).message, 'danger');
    }
  };

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    setError(null);
    try {
      await mfaEndpoints.removeFactor(removing.id);
      toast(`${removing.label} was removed.`);
      setRemoving(null);
      onChanged();
    } catch (failure) {
      setError(toApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="factor-list">
      <h3 className="factor-list-title">Your methods</h3>
      <ul className="factor-items">
        {factors.map((factor) => (
          <li key={factor.id} className="factor-item">
            <span className="factor-icon">
              <Icon name={ICONS[factor.type] ?? 'shield'} size={18} />
            </span>
            <dl className="factor-body">
              <div className="factor-head">
                <dt className="factor-method">{factor.method}</dt>
                <dd className="factor-label">
                  {factor.label}
                  {factor.isDefault && factors.length > 1 && (
                    <Badge tone="accent" dot>
                      Offered first
                    </Badge>
                  )}
                  {factor.key?.cloneSuspectedAt && (
                    <Badge tone="danger" dot>
                      Possible copy detected
                    </Badge>
                  )}
                  {factor.provider && !factor.provider.enabled && (
                    <Badge tone="danger" dot>
                      Provider disabled
                    </Badge>
                  )}
                </dd>
              </div>
              <dd className="factor-meta">
                {factor.key && (
                  <>
                    {factor.key.model ?? (factor.key.synced ? 'Synced passkey' : 'Security key')}
                    {factor.key.model && factor.key.synced ? ' (synced)' : ''} ·{' '}
                  </>
                )}
                Added <Time value={factor.createdAt} /> · last used{' '}
                <Time value={factor.lastUsedAt} fallback="not yet" />
              </dd>
            </dl>
            <div className="factor-actions">
              {!factor.isDefault && factors.length > 1 && (
                <Button size="sm" variant="ghost" onClick={() => makeDefault(factor)}>
                  Offer first
                </Button>
              )}
              <Button
                size="sm"
                variant="ghost"
                icon="pencil"
                onClick={() => setRenaming(factor)}
                aria-label={`Rename ${factor.label}`}
              >
                Rename
              </Button>
              <Button
                size="sm"
                variant="ghost"
                icon="trash"
                onClick={() => setRemoving(factor)}
                aria-label={`Remove ${factor.label}`}
              >
                Remove
              </Button>
            </div>
          </li>
        ))}
      </ul>
      {renaming && (
        <RenameDialog
          factor={renaming}
          onClose={() => setRenaming(null)}
          onSaved={() => {
            setRenaming(null);
            onChanged();
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.label}?`}
          confirmLabel="Remove method"
          busyLabel="Removing…"
          busy={busy}
          error={error}
          onCancel={() => {
            setRemoving(null);
            setError(null);
          }}
          onConfirm={remove}
        >
          <p>
            You will no longer be able to sign in with this {removing.method.toLowerCase()}.
            {factors.length === 1 ? ' It is your last method: your recovery codes stop working too.' : ''}
          </p>
          <p>Other sessions that were opened with it end.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function RenameDialog({
  factor,
  onClose,
  onSaved,
}: {
  factor: FactorViewData;
  onClose: () => void;
  onSaved: () => void;
}) {
  const toast = useToast();
  const form = useForm({
    initial: { label: factor.label },
    check: (values): Record<string, string> =>
      values.label.trim() === '' ? { label: 'Give the method a name, such as "Phone".' } : {},
  });
  const submit = form.handleSubmit(async ({ label }) => {
    await mfaEndpoints.renameFactor(factor.id, label.trim());
    toast('The method was renamed.');
    onSaved();
  });
  return (
    <FormDialog
      title={`Rename ${factor.label}`}
      size="sm"
      form={form}
      onSubmit={submit}
      onClose={onClose}
      submitLabel="Rename"
    >
      <TextField
        label="Name"
        maxLength={60}
        hint="So you can tell your methods apart at sign-in."
        {...form.text('label')}
      />
    </FormDialog>
  );
}
