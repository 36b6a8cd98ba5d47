import type { ReactNode } from 'react';
import { Button } from './Button.tsx';
import { Icon, type IconName } from './Icon.tsx';

/** What belongs here, why it is empty, and the action that fills it. */
export function EmptyState({
  icon,
  title,
  children,
  action,
  tone = 'neutral',
  level = 2,
}: {
  icon: IconName;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  tone?: 'neutral' | 'danger';
  /** 1 when the empty state is the whole page (not found, forbidden). */
  level?: 1 | 2;
}) {
  const Heading = level === 1 ? 'h1' : 'h2';
  return (
    <div className={`empty-state empty-state-${tone}`}>
      <div className="empty-state-icon">
        <Icon name={icon} size={24} />
      </div>
      <Heading className="empty-state-title">{title}</Heading>
      {children && <div className="empty-state-text">{children}</div>}
      {action && <div className="empty-state-action">{action}</div>}
    </div>
  );
}

/** A filtered list that shows nothing: say so, and offer the way back to everything. */
export function NoMatches({
  title,
  resetLabel = 'Reset filters',
  onReset,
  children,
}: {
  title: string;
  resetLabel?: string;
  onReset: () => void;
  children: ReactNode;
}) {
  return (
    <EmptyState icon="filterX" title={title} action={<Button onClick={onReset}>{resetLabel}</Button>}>
      {children}
    </EmptyState>
  );
}
