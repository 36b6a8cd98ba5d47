import { Route, Routes } from 'react-router-dom';
import { NotFoundPage } from '../../NotFoundPage.tsx';
import { ApplicationEditPage, ApplicationNewPage } from './ApplicationEditPage.tsx';
import { ApplicationsPage } from './ApplicationsPage.tsx';

/** /settings/applications: the report, Add, and edit. */
export function ApplicationsRoutes() {
  return (
    <Routes>
      <Route index element={<ApplicationsPage />} />
      <Route path="new" element={<ApplicationNewPage />} />
      <Route path=":id" element={<ApplicationEditPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
