import { Outlet } from 'react-router-dom';
import { TopBar } from './TopBar.tsx';

export function AppLayout() {
  return (
    <div className="app">
      <TopBar />
      <div className="app-body">
        <Outlet />
      </div>
    </div>
  );
}
