import type { PromptTransaction } from '../flow-state.ts';
import { actionForm, type Html, html, page, primaryButton, secondaryButton } from './layout.ts';
import { noticeOf, phoneFrame, promptUrl } from './prompt-pages.ts';

const option = (tx: PromptTransaction, value: string, label: string, detail: string): Html =>
  actionForm(
    '/frame/options',
    tx.id,
    html`<button type="submit" class="option"><span>${label}</span><small>${detail}</small></button>`,
    { option: value },
  );

/** The prompt's "Other options": every way this user can verify besides the push that was offered first. */
export function otherOptionsPage(tx: PromptTransaction, phone: string): string {
  return page({
    title: 'Other options',
    appName: tx.request.client.name,
    body: html`<h1 id="title">Other options to log in</h1>
<nav class="stack" aria-label="Other options">
${option(tx, 'push', 'Duo Push', `Send a push to ${phone}`)}
${option(tx, 'passcode', 'Duo Mobile passcode', 'Enter the passcode Duo Mobile shows')}
${option(tx, 'phone_call', 'Phone call', `Call ${phone}`)}
${option(tx, 'bypass_code', 'Bypass code', 'Enter a code your help desk gave you')}
</nav>
${actionForm('/frame/options', tx.id, html`<button type="submit" class="link">Back</button>`, { option: 'back' })}`,
  });
}

const PASSCODE_TEXT = {
  passcode: {
    title: 'Enter a passcode',
    label: 'Duo Mobile passcode',
    help: 'Open Duo Mobile and tap the key icon to see your passcode (six digits).',
    inputmode: 'numeric',
  },
  bypass_code: {
    title: 'Enter a bypass code',
    label: 'Bypass code',
    help: 'A bypass code from your help desk (nine digits). Each code works once.',
    inputmode: 'numeric',
  },
} as const;

/** A Duo Mobile passcode or a bypass code; the simulated phone beside the card shows the current passcode. */
export function passcodePage(tx: PromptTransaction, kind: 'passcode' | 'bypass_code', passcode?: string): string {
  const text = PASSCODE_TEXT[kind];
  const aside =
    kind === 'passcode' && passcode
      ? phoneFrame(
          'This panel stands in for the user’s phone',
          html`<p><strong>Passcode</strong></p>
<p class="passcode">${passcode}</p>
<p class="muted">A new passcode appears after each one is used.</p>`,
        )
      : undefined;
  return page({
    title: text.title,
    appName: tx.request.client.name,
    body: html`<h1 id="title">${text.title}</h1>
${noticeOf(tx)}
<form method="post" action="/frame/passcode">
<input type="hidden" name="txid" value="${tx.id}">
<input type="hidden" name="kind" value="${kind}">
<label for="passcode">${text.label}</label>
<input id="passcode" name="passcode" inputmode="${text.inputmode}" autocomplete="one-time-code" required autofocus aria-describedby="passcode-help">
<p id="passcode-help" class="muted">${text.help}</p>
<div class="stack">${primaryButton('Verify')}</div>
</form>
${actionForm('/frame/options', tx.id, html`<button type="submit" class="link">Other options</button>`, { option: 'other_options' })}`,
    ...(aside ? { aside } : {}),
  });
}

/** "Calling your phone": the phone beside the card rings with Answer / Decline. */
export function callingPage(tx: PromptTransaction, phone: string, remainingMs: number): string {
  const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
  return page({
    title: 'Calling your phone',
    appName: tx.request.client.name,
    refresh: { seconds, url: promptUrl(tx) },
    body: html`<h1 id="title">Calling your phone</h1>
<div class="spinner" role="status" aria-label="Waiting for the call to be answered"></div>
<p>Duo is calling <strong>${phone}</strong>. Answer it and press any key to log in.</p>
<p class="muted">The call ends in ${seconds} second${seconds === 1 ? '' : 's'}.</p>
<div class="stack">${actionForm('/frame/options', tx.id, secondaryButton('Other options'), { option: 'other_options' })}</div>`,
    aside: phoneFrame(
      'This panel stands in for the user’s phone',
      html`<p><strong>Incoming call</strong></p>
<p>Duo Security</p>
<p class="muted">“Press any key to log in to ${tx.request.client.name}.”</p>
<div class="stack">
${actionForm('/frame/push/answer', tx.id, primaryButton('Answer and press 1'), { answer: 'approve' })}
${actionForm('/frame/push/answer', tx.id, html`<button type="submit" class="danger">Decline</button>`, { answer: 'deny' })}
</div>`,
      'Phone',
    ),
  });
}
