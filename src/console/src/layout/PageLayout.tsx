import { Outlet } from 'react-router-dom';
import { RecoveryCodeNotice } from './RecoveryCodeNotice.tsx';

/** Pages without a sidebar (home, My account): one centred column. */
export function PageLayout() {
  return (
    <main id="main" className="page-container" tabIndex={-1}>
      <RecoveryCodeNotice />
      <Outlet />
    </main>
  );
}
