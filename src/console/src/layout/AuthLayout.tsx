import type { ReactNode } from 'react';
import { Logo } from './Logo.tsx';

/** Signed-out pages (sign-in, setup): a centred card on a quiet background. */
export function AuthLayout({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  return (
    <div className="auth">
      <main id="main" className={wide ? 'auth-main auth-main-wide' : 'auth-main'}>
        <div className="auth-brand">
          <Logo size="lg" />
        </div>
        <div className="auth-card">{children}</div>
        <p className="auth-footer">Portcullis · self-hosted sign-in portal</p>
      </main>
    </div>
  );
}
