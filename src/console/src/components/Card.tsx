import type { ReactNode } from 'react';

/** A titled panel of the content area. `id` lets a heading label the section for assistive technology. */
export function Card({
  title,
  description,
  actions,
  children,
  id,
  flush = false,
}: {
  title?: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  id?: string;
  flush?: boolean;
}) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className="card" aria-labelledby={headingId}>
      {(title || actions) && (
        <header className="card-header">
          <div>
            {title && (
              <h2 className="card-title" id={headingId}>
                {title}
              </h2>
            )}
            {description && <p className="card-description">{description}</p>}
          </div>
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      <div className={flush ? 'card-body card-body-flush' : 'card-body'}>{children}</div>
    </section>
  );
}
