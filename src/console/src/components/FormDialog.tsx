import type { FormEventHandler, ReactNode, RefObject } from 'react';
import type { ApiError } from '../api/client.ts';
import { Button } from './Button.tsx';
import { Dialog } from './Dialog.tsx';
import { FormError } from './FormError.tsx';

/**
 * A dialog that is one form (useForm's): the form's error above the fields, then Cancel and the
 * submit button. While it submits (or `busy`), nothing closes it and the submit button says `busyText`.
 */
export function FormDialog({
  title,
  description,
  size,
  form,
  onSubmit,
  onClose,
  submitLabel,
  busy = form.submitting,
  busyText = 'Saving…',
  children,
}: {
  title: string;
  description?: ReactNode;
  size?: 'sm' | 'md';
  form: { submitting: boolean; formError: ApiError | null; formRef: RefObject<HTMLFormElement | null> };
  onSubmit: FormEventHandler<HTMLFormElement>;
  onClose: () => void;
  submitLabel: string;
  busy?: boolean;
  busyText?: string;
  children: ReactNode;
}) {
  return (
    <Dialog
      title={title}
      description={description}
      {...(size && { size })}
      onClose={onClose}
      dismissible={!busy}
      onSubmit={onSubmit}
      formRef={form.formRef}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy} busyText={busyText}>
            {submitLabel}
          </Button>
        </>
      }
    >
      <FormError error={form.formError} />
      {children}
    </Dialog>
  );
}
