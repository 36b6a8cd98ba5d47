import { Link, useLocation } from 'react-router-dom';
import { Logo } from './Logo.tsx';
import { ProductsMenu } from './ProductsMenu.tsx';
import { UserMenu } from './UserMenu.tsx';

function areaOf(pathname: string): string | null {
  if (pathname.startsWith('/settings')) return 'Settings';
  if (pathname.startsWith('/account')) return 'My account';
  return null;
}

export function TopBar() {
  const { pathname } = useLocation();
  const area = areaOf(pathname);
  return (
    <header className="topbar">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Link to="/" className="topbar-brand" aria-label="Portcullis home">
        <Logo />
      </Link>
      <nav className="topbar-nav" aria-label="Products">
        <ProductsMenu />
        {area && (
          <span className="topbar-area">
            <span aria-hidden="true" className="topbar-divider">
              /
            </span>
            {area}
          </span>
        )}
      </nav>
      <div className="topbar-spacer" />
      <UserMenu />
    </header>
  );
}
