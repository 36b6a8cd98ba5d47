import type { PromptTransaction } from '../flow-state.ts';
import { actionForm, type Html, html, page, primaryButton, secondaryButton } from './layout.ts';

export const PROMPT_PATH = '/frame/prompt';

export const promptUrl = (tx: PromptTransaction): string => `${PROMPT_PATH}?txid=${encodeURIComponent(tx.id)}`;

const NOTICES = {
  denied: 'Login request denied.',
  timeout: 'Login request timed out. Send another push to try again.',
  invalid_passcode: 'Incorrect passcode. Enter a valid passcode.',
  call_denied: 'Phone call denied.',
  call_timeout: 'The phone call was not answered. Try again or choose another option.',
} as const;

export const noticeOf = (tx: PromptTransaction): Html =>
  tx.notice ? html`<p class="alert error" role="alert">${NOTICES[tx.notice]}</p>` : html``;

/** The link-styled button under every method, as on Duo's prompt. */
export const otherOptionsButton = (tx: PromptTransaction): Html =>
  actionForm('/frame/options', tx.id, html`<button type="submit" class="link">Other options</button>`, {
    option: 'other_options',
  });

/** The simulated phone beside the card; its screen shows Duo Mobile, or the phone app while Duo calls. */
export function phoneFrame(label: string, body: Html, screenTitle = 'Duo Mobile'): Html {
  return html`<aside class="phone" aria-label="Simulated Duo Mobile phone">
<div class="screen"><header>${screenTitle}</header><div class="body">${body}</div></div>
<p class="muted" style="color:#c4cbd2;text-align:center;margin:10px 0 0">${label}</p>
</aside>`;
}

function requestDetails(tx: PromptTransaction, when: string): Html {
  return html`<dl>
<dt>Application</dt><dd>${tx.request.client.name}</dd>
<dt>Username</dt><dd>${tx.request.duoUname}</dd>
<dt>Location</dt><dd>Ann Arbor, MI (emulated)</dd>
<dt>Time</dt><dd>${when}</dd>
</dl>`;
}

/** The enrolled user's prompt, also where a denial or a timeout lands with its notice and a retry. */
export function promptPage(tx: PromptTransaction, phone: string): string {
  const notice = noticeOf(tx);
  const aside = tx.fraudReportable
    ? phoneFrame(
        'The phone asks what happened',
        html`<p><strong>Login request denied</strong></p>
<p class="muted">Was this a login attempt you did not make? Reporting it locks the account until your help desk unlocks it.</p>
${actionForm('/frame/push/fraud', tx.id, html`<button type="submit" class="danger">Report as fraud</button>`)}`,
      )
    : undefined;
  return page({
    title: 'Verify it’s you',
    appName: tx.request.client.name,
    body: html`<h1 id="title">Verify it’s you</h1>
${notice}
<p>Use Duo Mobile on <strong>${phone}</strong> to log in as <strong>${tx.request.duoUname}</strong>.</p>
<div class="stack">${actionForm('/frame/push', tx.id, primaryButton('Send Me a Push'))}
${otherOptionsButton(tx)}</div>`,
    ...(aside ? { aside } : {}),
  });
}

/** "Check for a Duo Push": the card waits while the phone beside it shows the request. */
export function waitingPage(tx: PromptTransaction, phone: string, remainingMs: number, sentAt: number): string {
  const when = new Date(sentAt).toISOString().replace('T', ' ').slice(0, 19);
  const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
  return page({
    title: 'Check for a Duo Push',
    appName: tx.request.client.name,
    // Without script the card cannot hear the phone; reloading when the push would expire shows the timeout.
    refresh: { seconds, url: promptUrl(tx) },
    body: html`<h1 id="title">Check for a Duo Push</h1>
<div class="spinner" role="status" aria-label="Waiting for approval"></div>
<p>We sent a push to <strong>${phone}</strong>. Approve it in Duo Mobile to continue.</p>
<p class="muted">This request expires in ${seconds} second${seconds === 1 ? '' : 's'}.</p>
<div class="stack">${actionForm('/frame/push', tx.id, secondaryButton('Send another push'))}</div>`,
    aside: phoneFrame(
      'This panel stands in for the user’s phone',
      html`<p><strong>Login request</strong></p>
${requestDetails(tx, `${when} UTC`)}
<div class="stack">
${actionForm('/frame/push/answer', tx.id, primaryButton('Approve'), { answer: 'approve' })}
${actionForm('/frame/push/answer', tx.id, html`<button type="submit" class="danger">Deny</button>`, { answer: 'deny' })}
</div>`,
    ),
  });
}
