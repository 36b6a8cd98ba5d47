/**
 * The nginx and Caddy configurations of docs/protect-an-app.md, as templates. The proxy tests render
 * them with loopback ports and test certificates; test/unit/proxy-configs-doc.test.ts renders them
 * with the documentation's example values and checks the page shows exactly that text.
 */

export interface SiteValues {
  /** The portal's public host, and where the portal listens (one or more nodes). */
  portal: { host: string; upstreams: string[] };
  /** The protected application's public host and where it listens. */
  app: { host: string; name: string; upstream: string };
  /** nginx `listen` parameters and certificate files (nginx needs its own certificates). */
  listen: string;
  certificate: string;
  certificateKey: string;
}

const CHECK_HEADERS = `        proxy_pass_request_body off;
        proxy_set_header Content-Length "";
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
        proxy_set_header X-Original-Method $request_method;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;`;

export function nginxSite(values: SiteValues): string {
  const { portal, app } = values;
  return `# Portcullis, one or more nodes (with PORTCULLIS_TRUSTED_PROXIES set to this proxy's address).
upstream portcullis {
${portal.upstreams.map((upstream) => `    server ${upstream};`).join('\n')}
    keepalive 32;
}

upstream ${app.name} {
    server ${app.upstream};
}

# The cookies an application receives: the client's, without Portcullis' forward-auth cookie.
map $http_cookie $portcullis_app_cookie {
    default $http_cookie;
    "~^(?<before>.*?)(?:^|;\\s*)(?:__Secure-|__Host-)?portcullis_proxy=[^;]*(?<after>.*)$" "$before$after";
}

# The portal itself: sign-in, step-up, the console.
server {
    listen ${values.listen};
    server_name ${portal.host};
    ssl_certificate ${values.certificate};
    ssl_certificate_key ${values.certificateKey};

    location / {
        proxy_pass http://portcullis;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $http_host;
    }
}

# A protected application: nginx asks Portcullis about every request before passing it on.
server {
    listen ${values.listen};
    server_name ${app.host};
    ssl_certificate ${values.certificate};
    ssl_certificate_key ${values.certificateKey};

    location / {
        auth_request /portcullis-check;
        # Who Portcullis let in. Always set: an empty value drops the header, so whatever Remote-*
        # headers the client sent never reach the application.
        auth_request_set $portcullis_user $upstream_http_remote_user;
        auth_request_set $portcullis_groups $upstream_http_remote_groups;
        auth_request_set $portcullis_email $upstream_http_remote_email;
        auth_request_set $portcullis_name $upstream_http_remote_name;
        auth_request_set $portcullis_auth_level $upstream_http_remote_auth_level;
        auth_request_set $portcullis_amr $upstream_http_remote_amr;
        auth_request_set $portcullis_jwt $upstream_http_remote_jwt;
        proxy_set_header Remote-User $portcullis_user;
        proxy_set_header Remote-Groups $portcullis_groups;
        proxy_set_header Remote-Email $portcullis_email;
        proxy_set_header Remote-Name $portcullis_name;
        proxy_set_header Remote-Auth-Level $portcullis_auth_level;
        proxy_set_header Remote-Amr $portcullis_amr;
        proxy_set_header Remote-Jwt $portcullis_jwt;
        proxy_set_header Cookie $portcullis_app_cookie;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;

        # Not signed in, or MFA needed: to Portcullis and back. Refused: Portcullis' 403 page.
        auth_request_set $portcullis_location $upstream_http_location;
        error_page 401 =302 $portcullis_location;
        error_page 403 /portcullis-denied;

        proxy_pass http://${app.name};
    }

    location = /portcullis-check {
        internal;
        proxy_pass http://portcullis/api/authz/auth-request;
        proxy_method GET;
${CHECK_HEADERS}
    }

    location = /portcullis-denied {
        internal;
        proxy_pass http://portcullis/api/authz/denied;
        proxy_method GET;
${CHECK_HEADERS}
    }
}
`;
}

export interface CaddyValues {
  portal: { host: string; upstream: string };
  app: { host: string; upstream: string };
  /** Site addresses as Caddy takes them: a host (automatic HTTPS), or `https://host:port`. */
  address: (host: string) => string;
  /** Own certificate files; without them Caddy obtains certificates itself. */
  tls: { certificate: string; key: string } | null;
}

export function caddySite(values: CaddyValues): string {
  const tls = values.tls ? `\ttls ${values.tls.certificate} ${values.tls.key}\n` : '';
  return `${values.address(values.portal.host)} {
${tls}\treverse_proxy ${values.portal.upstream}
}

${values.address(values.app.host)} {
${tls}\t# Caddy asks Portcullis about every request; on 200 it copies the identity headers to the
\t# request, replacing any the client sent (Portcullis always sends all of them).
\tforward_auth ${values.portal.upstream} {
\t\turi /api/authz/forward-auth
\t\tcopy_headers Remote-User Remote-Groups Remote-Email Remote-Name Remote-Auth-Level Remote-Amr Remote-Jwt
\t}
\treverse_proxy ${values.app.upstream} {
\t\t# Portcullis' forward-auth cookie is not the application's business: its value is blanked
\t\t# (Caddy 2.6 reads an empty replacement as none at all).
\t\theader_up Cookie "(__Secure-|__Host-)?portcullis_proxy=[^;]*" "portcullis_proxy="
\t}
}
`;
}

/** The documentation's example values. */
export const DOC_VALUES = {
  nginx: {
    portal: { host: 'auth.example.com', upstreams: ['127.0.0.1:8080'] },
    app: { host: 'grafana.example.com', name: 'grafana', upstream: '127.0.0.1:3000' },
    listen: '443 ssl',
    certificate: '/etc/ssl/example.com/fullchain.pem',
    certificateKey: '/etc/ssl/example.com/privkey.pem',
  } satisfies SiteValues,
  caddy: {
    portal: { host: 'auth.example.com', upstream: '127.0.0.1:8080' },
    app: { host: 'grafana.example.com', upstream: '127.0.0.1:3000' },
    address: (host: string) => host,
    tls: null,
  } satisfies CaddyValues,
};
