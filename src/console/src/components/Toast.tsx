import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { Icon } from './Icon.tsx';

type ToastTone = 'success' | 'info' | 'danger';
interface ToastItem {
  id: number;
  tone: ToastTone;
  message: string;
}

type Notify = (message: string, tone?: ToastTone) => void;
const ToastContext = createContext<Notify>(() => {});
const DismissAllContext = createContext<() => void>(() => {});

export const useToast = () => useContext(ToastContext);
/** Clears every confirmation on screen: a failure shown afterwards must not sit under an earlier "saved". */
export const useDismissToasts = () => useContext(DismissAllContext);

/** Confirmations after a change ("Bob Smith is disabled."), announced politely and gone after a few seconds. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setItems((current) => current.filter((item) => item.id !== id)), []);
  const dismissAll = useCallback(() => setItems((current) => (current.length === 0 ? current : [])), []);

  const notify = useCallback<Notify>(
    (message, tone = 'success') => {
      const id = nextId.current++;
      setItems((current) => [...current.slice(-2), { id, tone, message }]);
      window.setTimeout(() => dismiss(id), tone === 'danger' ? 10_000 : 6_000);
    },
    [dismiss],
  );

  const value = useMemo(() => notify, [notify]);
  return (
    <ToastContext.Provider value={value}>
      <DismissAllContext.Provider value={dismissAll}>{children}</DismissAllContext.Provider>
      <section className="toast-region" aria-label="Notifications" aria-live="polite">
        {items.map((item) => (
          <div key={item.id} className={`toast toast-${item.tone}`} role="status">
            <Icon
              name={item.tone === 'danger' ? 'alertCircle' : item.tone === 'info' ? 'info' : 'checkCircle'}
              size={18}
            />
            <p>{item.message}</p>
            <button
              type="button"
              className="icon-button icon-button-sm"
              aria-label="Dismiss"
              onClick={() => dismiss(item.id)}
            >
              <Icon name="x" size={14} />
            </button>
          </div>
        ))}
      </section>
    </ToastContext.Provider>
  );
}
