import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon.tsx';

const ICONS: Record<NoticeTone, IconName> = {
  info: 'info',
  success: 'checkCircle',
  warning: 'alert',
  danger: 'alertCircle',
};

type NoticeTone = 'info' | 'success' | 'warning' | 'danger';

/** An inline message inside a page or a form. Danger notices are alerts (announced at once). */
export function Notice({ tone = 'info', title, children }: { tone?: NoticeTone; title?: string; children: ReactNode }) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'danger' ? 'alert' : 'status'}>
      <Icon name={ICONS[tone]} size={18} className="banner-icon" />
      <div className="banner-body">
        {title && <p className="banner-title">{title}</p>}
        <div>{children}</div>
      </div>
    </div>
  );
}
