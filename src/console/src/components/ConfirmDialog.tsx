import type { ReactNode } from 'react';
import type { ApiError } from '../api/client.ts';
import { Button } from './Button.tsx';
import { Dialog } from './Dialog.tsx';
import { FormError } from './FormError.tsx';

/** "Are you sure?" with the consequence spelled out. Focus starts on Cancel, the safe choice. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busyLabel = 'Working…',
  tone = 'danger',
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  tone?: 'danger' | 'primary';
  busy: boolean;
  error?: ApiError | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Dialog
      title={title}
      size="sm"
      onClose={onCancel}
      dismissible={!busy}
      footer={
        <>
          <Button onClick={onCancel} disabled={busy} data-autofocus>
            Cancel
          </Button>
          <Button variant={tone} onClick={onConfirm} busy={busy} busyText={busyLabel}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <FormError error={error ?? null} />
      <div className="dialog-text">{children}</div>
    </Dialog>
  );
}
