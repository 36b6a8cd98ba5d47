import type { ReactNode } from 'react';

export type BadgeTone = 'neutral' | 'accent' | 'success' | 'danger' | 'warning';

export function Badge({
  tone = 'neutral',
  children,
  dot = false,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  dot?: boolean;
}) {
  return (
    <span className={`badge badge-${tone}`}>
      {dot && <span className="badge-dot" aria-hidden="true" />}
      {children}
    </span>
  );
}

export function RoleBadge({ role }: { role: 'administrator' | 'user' }) {
  return role === 'administrator' ? <Badge tone="accent">Administrator</Badge> : <Badge>User</Badge>;
}

export function StatusBadge({ disabled }: { disabled: boolean }) {
  return disabled ? (
    <Badge tone="danger" dot>
      Disabled
    </Badge>
  ) : (
    <Badge tone="success" dot>
      Active
    </Badge>
  );
}

export function OutcomeBadge({ outcome }: { outcome: 'success' | 'failure' }) {
  return outcome === 'success' ? (
    <Badge tone="success" dot>
      Success
    </Badge>
  ) : (
    <Badge tone="danger" dot>
      Failure
    </Badge>
  );
}
