import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './App.tsx';
import { ToastProvider } from './components/Toast.tsx';
import { SessionProvider } from './session/SessionProvider.tsx';
import './styles/tokens.css';
import './styles/base.css';
import './styles/shell.css';
import './styles/menus.css';
import './styles/content.css';
import './styles/auth.css';
import './styles/verify.css';
import './styles/buttons.css';
import './styles/feedback.css';
import './styles/cards.css';
import './styles/overlays.css';
import './styles/pagination.css';
import './styles/forms.css';
import './styles/radios.css';
import './styles/tables.css';
import './styles/pages.css';
import './styles/attention.css';
import './styles/providers.css';
import './styles/mfa.css';
import './styles/account.css';
import './styles/access.css';
import './styles/print.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <BrowserRouter>
        <ToastProvider>
          <SessionProvider>
            <App />
          </SessionProvider>
        </ToastProvider>
      </BrowserRouter>
    </StrictMode>,
  );
}
