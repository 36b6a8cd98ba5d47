import { Route, Routes } from 'react-router-dom';
import { NotFoundPage } from '../../../NotFoundPage.tsx';
import { ProviderEditPage } from './ProviderEditPage.tsx';
import { ProviderRegistrationPage } from './ProviderRegistrationPage.tsx';
import { ProvidersPage } from './ProvidersPage.tsx';
import { SelectProviderPage } from './SelectProviderPage.tsx';

/** /settings/mfa/providers: the report, Select provider, Provider registration, and edit. */
export function ProvidersRoutes() {
  return (
    <Routes>
      <Route index element={<ProvidersPage />} />
      <Route path="new" element={<SelectProviderPage />} />
      <Route path="new/:type" element={<ProviderRegistrationPage />} />
      <Route path=":id" element={<ProviderEditPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
