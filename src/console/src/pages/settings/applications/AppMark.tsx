/** An application's badge: its initial on its colour (set through the DOM, which the page's CSP allows). */
export function AppMark({ name, colour, size = 'md' }: { name: string; colour: string; size?: 'md' | 'lg' }) {
  return (
    <span className={`app-mark app-mark-${size}`} style={{ background: colour }} aria-hidden="true">
      {name.trim().charAt(0).toUpperCase() || '?'}
    </span>
  );
}
