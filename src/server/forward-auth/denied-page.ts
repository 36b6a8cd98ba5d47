import { createHash } from 'node:crypto';
import type { Denial } from './forward-auth-service.ts';

/**
 * The page a blocked person sees, served with status 403 on the application's own address (Caddy
 * returns the check's answer as is; nginx fetches it with `error_page 403`). It is one self-contained
 * document — no script, no asset from another host — in the console's look: the console's files live
 * on the portal's host and its policy would not load them here.
 */

const STYLE = `
:root{--text:#161b23;--muted:#525c6c;--subtle:#697384;--border:#e1e6ec;--accent:#2a5bd0;--danger:#a52727;--danger-bg:#fdf0f0}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;padding:40px 16px;color:var(--text);
font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Helvetica,Arial,sans-serif;
background:radial-gradient(circle at 20% 0%,rgb(61 111 224 / .1),transparent 45%),radial-gradient(circle at 90% 100%,rgb(16 20 26 / .06),transparent 40%),#f3f5f8}
main{width:100%;max-width:460px}
.brand{display:flex;justify-content:center;align-items:center;gap:10px;margin-bottom:24px;font-weight:700;font-size:18px}
.mark{display:grid;place-items:center;width:34px;height:34px;border-radius:8px;background:var(--accent)}
.card{padding:32px;background:#fff;border:1px solid var(--border);border-radius:12px;box-shadow:0 1px 3px rgb(16 20 26 / .08),0 1px 2px rgb(16 20 26 / .04)}
.app{display:flex;align-items:center;gap:10px;margin-bottom:18px;font-weight:600}
.app-mark{display:grid;place-items:center;width:32px;height:32px;border-radius:8px;color:#fff;font-weight:700}
.status{display:inline-block;margin-bottom:10px;padding:2px 10px;border-radius:999px;background:var(--danger-bg);color:var(--danger);font-size:12.5px;font-weight:600}
h1{margin:0 0 8px;font-size:22px;letter-spacing:-.01em}
p{margin:0 0 12px;color:var(--muted)}
.url{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px;word-break:break-all;color:var(--text)}
.why{padding-top:12px;border-top:1px solid var(--border);font-size:13px;color:var(--subtle)}
a.button{display:inline-block;margin-top:8px;padding:8px 14px;border-radius:6px;background:var(--accent);color:#fff;text-decoration:none;font-weight:600}
a.button:focus-visible{outline:none;box-shadow:0 0 0 3px rgb(42 91 208 / .35)}
footer{margin-top:20px;text-align:center;font-size:12.5px;color:var(--subtle)}
`;

/** The page's own style block is allowed by its hash (CSP `style-src`), and nothing else is. */
const cspFor = (style: string) =>
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

const LOGO =
  '<svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M4 21V9l8-5 8 5v12M4 21h16M8 21V11M12 21V9M16 21V11M5 14h14M5 18h14"/></svg>';

function explanation(denial: Denial): { title: string; lead: string; why: string | null } {
  const app = denial.application ? escapeHtml(denial.application.name) : 'This application';
  const who = denial.username ? `You are signed in as <strong>${escapeHtml(denial.username)}</strong>, but` : 'Sorry:';
  switch (denial.reason) {
    case 'disabled':
      return {
        title: 'Application turned off',
        lead: `${app} is turned off in Portcullis: nobody can reach it right now.`,
        why: null,
      };
    case 'ambiguous_path':
      return {
        title: 'Address refused',
        lead: 'This address holds an encoded <code>../</code> or a backslash, so where it leads is ambiguous. It is refused.',
        why: null,
      };
    case 'no_application':
      return {
        title: 'Unknown application',
        lead: 'No application registered in Portcullis uses this address, so nobody is let in.',
        why: 'An administrator adds it under Settings › Applications.',
      };
    case 'no_portal_url':
      return {
        title: 'Sign-in unavailable',
        lead: 'Portcullis cannot send you to sign in: its Application URL is not set.',
        why: 'An administrator sets it under Settings › System.',
      };
    case 'outside_cookie_domain':
      return {
        title: 'Sign-in cannot reach this host',
        lead: "Portcullis' sign-in cookie cannot reach this application's host, so signing in would lead nowhere.",
        why: 'An administrator sets PORTCULLIS_COOKIE_DOMAIN to a domain that covers it (docs/protect-an-app.md).',
      };
    case 'rule':
      return {
        title: 'Access denied',
        lead: `${who} ${app} is not open to your account.`,
        why: denial.rule === null ? null : `Decided by rule ${denial.rule} of ${app}.`,
      };
    case 'no_rule':
      return {
        title: 'Access denied',
        lead: `${who} ${app} is not open to your account.`,
        why: `No rule of ${app} lets your account in.`,
      };
  }
}

export function renderDeniedPage(denial: Denial, portalUrl: string | null): { html: string; csp: string } {
  const { title, lead, why } = explanation(denial);
  const app = denial.application;
  const colour = app && /^#[0-9a-f]{6}$/.test(app.colour) ? app.colour : '#475569';
  const style = `${STYLE}.app-mark{background:${colour}}`;
  const appLine = app
    ? `<div class="app"><span class="app-mark">${escapeHtml(app.name.charAt(0).toUpperCase())}</span>${escapeHtml(app.name)}</div>`
    : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title} · Portcullis</title><style>${style}</style></head>
<body><main>
<div class="brand"><span class="mark">${LOGO}</span>Portcullis</div>
<div class="card">
${appLine}<span class="status">403 · ${title}</span>
<h1>${title}</h1>
<p>${lead}</p>
<p class="url">${escapeHtml(denial.requested)}</p>
<p>If you need it, ask an administrator of Portcullis to give your account access.</p>
${why ? `<p class="why">${why}</p>` : ''}
${portalUrl ? `<a class="button" href="${escapeHtml(portalUrl)}/">Open Portcullis</a>` : ''}
</div>
<footer>Portcullis · self-hosted sign-in portal</footer>
</main></body></html>`;
  return { html, csp: cspFor(style) };
}
