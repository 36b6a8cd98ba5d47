import type { StoredUser } from '../store.ts';
import type { NewUserPolicy } from '../types.ts';
import { html, page } from './layout.ts';

export function expiredPage(): string {
  return page({
    title: 'Session expired',
    body: html`<h1 id="title">Session expired</h1>
<p class="alert error" role="alert">This Duo login is no longer valid.</p>
<p class="muted">Return to the application and sign in again.</p>`,
  });
}

export function accessDeniedPage(appName: string, message: string, reason: string): string {
  return page({
    title: 'Access denied',
    appName,
    body: html`<h1 id="title">Access denied</h1>
<p class="alert error" role="alert">${message}</p>
<p class="muted">Reason: <code>${reason}</code>. You were not sent back to ${appName}.</p>`,
  });
}

export interface StatusInfo {
  apiHost: string;
  caFile: string;
  readyClientId: string;
  adminIntegrationKey: string;
  newUserPolicy: NewUserPolicy;
  users: StoredUser[];
}

export function statusPage(info: StatusInfo): string {
  const rows = info.users.map(
    (u) =>
      html`<tr><td>${u.username}</td><td>${u.status}</td><td>${u.enrolled ? 'yes' : 'no'}</td><td>${u.phone ?? ''}</td></tr>`,
  );
  return page({
    title: 'Status',
    body: html`<h1 id="title">Emulator status</h1>
<p>A stand-in for Duo’s Universal Prompt (Web SDK v4 / OIDC) for tests, demos and trying Portcullis without a Duo account. It is <strong>not</strong> Duo and protects nothing.</p>
<table>
<tr><th scope="row">Endpoint</th><td><code>${info.apiHost}</code></td></tr>
<tr><th scope="row">Client ID</th><td><code>${info.readyClientId}</code></td></tr>
<tr><th scope="row">Client Secret</th><td>printed by the CLI and kept in <code>emulator.json</code>; never shown here</td></tr>
<tr><th scope="row">Admin API integration key</th><td><code>${info.adminIntegrationKey}</code> (secret key: in <code>emulator.json</code>)</td></tr>
<tr><th scope="row">CA certificate</th><td><code>${info.caFile}</code></td></tr>
<tr><th scope="row">New User policy</th><td>${info.newUserPolicy}</td></tr>
</table>
<h2 style="font-size:18px;margin:20px 0 8px">Users</h2>
${
  info.users.length
    ? html`<table><tr><th>User</th><th>Status</th><th>Enrolled</th><th>Phone</th></tr>${rows}</table>`
    : html`<p class="muted">No users yet. Unknown users follow the New User policy.</p>`
}`,
  });
}
