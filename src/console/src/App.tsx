import { Navigate, Route, Routes } from 'react-router-dom';
import { AppLayout } from './layout/AppLayout.tsx';
import { PageLayout } from './layout/PageLayout.tsx';
import { SettingsLayout } from './layout/SettingsLayout.tsx';
import { FIRST_SETTINGS_PATH, SETTINGS_LINKS } from './layout/settings-nav.tsx';
import { StepUpPage } from './pages/access/StepUpPage.tsx';
import { AccountPage } from './pages/account/AccountPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { SetupPage } from './pages/SetupPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { VerifyPage } from './pages/verify/VerifyPage.tsx';
import { RequireAdmin, RequireAuth } from './session/guards.tsx';

export function App() {
  return (
    <Routes>
      <Route path="/signin" element={<SignInPage />} />
      <Route path="/signin/verify" element={<VerifyPage />} />
      <Route path="/setup" element={<SetupPage />} />
      <Route path="/access/verify" element={<StepUpPage />} />
      <Route
        element={
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        }
      >
        <Route element={<PageLayout />}>
          <Route index element={<HomePage />} />
          <Route path="account" element={<AccountPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
        <Route
          path="settings"
          element={
            <RequireAdmin>
              <SettingsLayout />
            </RequireAdmin>
          }
        >
          <Route index element={<Navigate to={FIRST_SETTINGS_PATH} replace />} />
          {SETTINGS_LINKS.map((link) => (
            <Route key={link.path} path={`${link.path}/*`} element={link.page} />
          ))}
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
