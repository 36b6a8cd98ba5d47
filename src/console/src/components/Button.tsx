import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Icon, type IconName } from './Icon.tsx';
import { Spinner } from './Spinner.tsx';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  icon?: IconName;
  /** While true the button is disabled and shows a spinner and `busyText` ("Saving…"). */
  busy?: boolean;
  busyText?: string;
}

export function buttonClass(variant: ButtonVariant = 'secondary', size: 'sm' | 'md' = 'md', extra?: string) {
  return ['btn', `btn-${variant}`, size === 'sm' && 'btn-sm', extra].filter(Boolean).join(' ');
}

export function Button({
  variant = 'secondary',
  size = 'md',
  icon,
  busy = false,
  busyText,
  disabled,
  className,
  children,
  type = 'button',
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={buttonClass(variant, size, className)}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy ? <Spinner /> : icon && <Icon name={icon} />}
      <span>{busy && busyText ? busyText : children}</span>
    </button>
  );
}

/** A router link that looks like a button (for navigation, never for actions). */
export function ButtonLink({
  to,
  variant = 'secondary',
  size = 'md',
  icon,
  children,
}: {
  to: string;
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  icon?: IconName;
  children: ReactNode;
}) {
  return (
    <Link to={to} className={buttonClass(variant, size)}>
      {icon && <Icon name={icon} />}
      <span>{children}</span>
    </Link>
  );
}
