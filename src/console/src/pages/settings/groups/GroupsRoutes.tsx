import { Route, Routes } from 'react-router-dom';
import { NotFoundPage } from '../../NotFoundPage.tsx';
import { GroupPage } from './GroupPage.tsx';
import { GroupsPage } from './GroupsPage.tsx';

/** /settings/groups: the list and one group's page. */
export function GroupsRoutes() {
  return (
    <Routes>
      <Route index element={<GroupsPage />} />
      <Route path=":id" element={<GroupPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
