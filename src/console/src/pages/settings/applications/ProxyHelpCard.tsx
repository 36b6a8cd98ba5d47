import { Card } from '../../../components/Card.tsx';

/** What the reverse proxy is pointed at; the full configurations are in docs/protect-an-app.md. */
export function ProxyHelpCard() {
  const origin = window.location.origin;
  return (
    <Card title="Put it behind your proxy" id="proxy-help">
      <dl className="details-list details-list-compact">
        <dt>nginx (auth_request)</dt>
        <dd className="mono">{origin}/api/authz/auth-request</dd>
        <dt>Caddy, Traefik (forward auth)</dt>
        <dd className="mono">{origin}/api/authz/forward-auth</dd>
        <dt>Keys for Remote-Jwt</dt>
        <dd className="mono">{origin}/api/authz/jwks</dd>
      </dl>
      <p className="card-description">
        The proxy's address must be in PORTCULLIS_TRUSTED_PROXIES, and PORTCULLIS_COOKIE_DOMAIN must cover the
        application's host. Copy-paste configurations: <span className="mono">docs/protect-an-app.md</span>.
      </p>
    </Card>
  );
}
