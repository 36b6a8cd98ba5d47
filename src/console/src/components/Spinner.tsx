/** A small indeterminate spinner. With `label`, it announces itself to screen readers. */
export function Spinner({ label, size = 16 }: { label?: string; size?: number }) {
  return (
    <span className="spinner-wrap" {...(label && { role: 'status' })}>
      <svg className="spinner" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="9" fill="none" strokeWidth="3" className="spinner-track" />
        <path d="M21 12a9 9 0 0 0-9-9" fill="none" strokeWidth="3" strokeLinecap="round" className="spinner-head" />
      </svg>
      {label && <span className="sr-only">{label}</span>}
    </span>
  );
}

/** Centred spinner with a visible line of text, for a page or a panel that is loading. */
export function LoadingPanel({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading-panel" role="status">
      <Spinner size={22} />
      <span>{label}</span>
    </div>
  );
}
