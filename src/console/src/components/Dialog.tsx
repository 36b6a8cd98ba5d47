import {
  type FormEventHandler,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  useEffect,
  useId,
  useRef,
} from 'react';
import { Icon } from './Icon.tsx';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

interface DialogProps {
  title: string;
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  /** When set, body and footer are one form: Enter submits, the footer holds the submit button. */
  onSubmit?: FormEventHandler<HTMLFormElement>;
  formRef?: RefObject<HTMLFormElement | null>;
  /** False while saving: Escape and the close button do nothing. */
  dismissible?: boolean;
  size?: 'sm' | 'md';
}

/**
 * A modal on the native <dialog> (top layer, inert background). Mount it to open it, unmount to close.
 * Focus goes to the first field (or `data-autofocus`), Tab cycles inside, Escape closes, and focus
 * returns to what opened it.
 */
export function Dialog({
  title,
  description,
  onClose,
  children,
  footer,
  onSubmit,
  formRef,
  dismissible = true,
  size = 'md',
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const dismissibleRef = useRef(dismissible);
  dismissibleRef.current = dismissible;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const target =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ??
      dialog.querySelector<HTMLElement>(
        '.dialog-body input:not([type="hidden"]):not([disabled]), .dialog-body select',
      ) ??
      dialog.querySelector<HTMLElement>('.dialog-footer button');
    target?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      if (dismissibleRef.current) onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const trapTab = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Tab' || !ref.current) return;
    const focusables = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (element) => element.offsetParent,
    );
    const first = focusables[0];
    const last = focusables.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const content = (
    <>
      <div className="dialog-body">{children}</div>
      {footer && <div className="dialog-footer">{footer}</div>}
    </>
  );

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onKeyDown={trapTab}
    >
      <div className="dialog-header">
        <div>
          <h2 className="dialog-title" id={titleId}>
            {title}
          </h2>
          {description && (
            <div className="dialog-description" id={descriptionId}>
              {description}
            </div>
          )}
        </div>
        <button
          type="button"
          className="icon-button"
          aria-label="Close"
          disabled={!dismissible}
          onClick={() => onCloseRef.current()}
        >
          <Icon name="x" size={18} />
        </button>
      </div>
      {onSubmit ? (
        <form ref={formRef} onSubmit={onSubmit} noValidate>
          {content}
        </form>
      ) : (
        content
      )}
    </dialog>
  );
}
