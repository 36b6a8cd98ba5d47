import QRCode from 'qrcode';
import type { PromptTransaction } from '../flow-state.ts';
import { actionForm, html, page, primaryButton, secondaryButton } from './layout.ts';

/** A short list: the emulator only needs a realistic dropdown, not Duo's full country table. */
export const COUNTRIES = [
  { code: 'US', name: 'United States', dial: '1' },
  { code: 'CA', name: 'Canada', dial: '1' },
  { code: 'BR', name: 'Brazil', dial: '55' },
  { code: 'GB', name: 'United Kingdom', dial: '44' },
  { code: 'DE', name: 'Germany', dial: '49' },
  { code: 'FR', name: 'France', dial: '33' },
  { code: 'PT', name: 'Portugal', dial: '351' },
  { code: 'ES', name: 'Spain', dial: '34' },
  { code: 'IN', name: 'India', dial: '91' },
  { code: 'JP', name: 'Japan', dial: '81' },
  { code: 'AU', name: 'Australia', dial: '61' },
] as const;

/** "+1 555-010-0199" for North America, "+55 11987654321" elsewhere: readable, and the same string every time. */
export function formatPhone(countryCode: string, number: string): string | undefined {
  const country = COUNTRIES.find((c) => c.code === countryCode);
  const digits = number.replace(/[\s().-]/g, '');
  if (!country || !/^\d{6,14}$/.test(digits)) return undefined;
  const local =
    country.dial === '1' && digits.length === 10
      ? `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`
      : digits;
  return `+${country.dial} ${local}`;
}

const frame = (tx: PromptTransaction, title: string, body: ReturnType<typeof html>): string =>
  page({ title, appName: tx.request.client.name, body: html`<h1 id="title">${title}</h1>${body}` });

export function methodPage(tx: PromptTransaction): string {
  return frame(
    tx,
    'Choose an authentication method',
    html`<p>Your organization requires a second way to verify it’s you. Let’s set one up for <strong>${tx.request.duoUname}</strong>.</p>
<div class="stack">
${actionForm('/frame/enroll/method', tx.id, primaryButton('Duo Mobile'), { method: 'duo_mobile' })}
<p class="muted">Recommended: get a push notification on your phone.</p>
<button type="button" class="secondary" disabled>Security key (not emulated)</button>
<button type="button" class="secondary" disabled>Phone call (not emulated)</button>
</div>`,
  );
}

export function phoneNumberPage(tx: PromptTransaction): string {
  const { countryCode = 'US', number = '', phoneError } = tx.enrollment;
  const options = COUNTRIES.map(
    (c) =>
      html`<option value="${c.code}"${c.code === countryCode ? html` selected` : ''}>${c.name} (+${c.dial})</option>`,
  );
  return frame(
    tx,
    'Enter your mobile number',
    html`${phoneError ? html`<p class="alert error" role="alert">${phoneError}</p>` : ''}
<p>You’ll get push notifications in Duo Mobile on this phone.</p>
<form method="post" action="/frame/enroll/phone">
<input type="hidden" name="txid" value="${tx.id}">
<label for="country">Country</label>
<select id="country" name="country">${options}</select>
<label for="phone">Phone number</label>
<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel-national" value="${number}" required>
<div class="stack">${primaryButton('Add phone number')}</div>
</form>`,
  );
}

export function confirmPhonePage(tx: PromptTransaction, phone: string): string {
  return frame(
    tx,
    'Is this correct?',
    html`<p class="muted">We’ll use this number for Duo Mobile.</p>
<p style="font-size:22px;font-weight:700">${phone}</p>
<div class="stack">
${actionForm('/frame/enroll/confirm', tx.id, primaryButton("Yes, it's correct"), { correct: 'yes' })}
${actionForm('/frame/enroll/confirm', tx.id, secondaryButton('No, I need to change it'), { correct: 'no' })}
</div>`,
  );
}

export function installPage(tx: PromptTransaction): string {
  return frame(
    tx,
    'Download Duo Mobile',
    html`<p>Install the free Duo Mobile app from your phone’s app store, then come back here.</p>
<p class="muted">In the emulator the phone is simulated: nothing to install.</p>
<div class="stack">${actionForm('/frame/enroll/next', tx.id, primaryButton('Next'))}</div>`,
  );
}

export async function qrPage(tx: PromptTransaction, activationUrl: string): Promise<string> {
  const qr = await QRCode.toDataURL(activationUrl, { errorCorrectionLevel: 'M', margin: 2, width: 208 });
  return frame(
    tx,
    'Scan this QR code',
    html`<p>Open Duo Mobile, tap <strong>Add</strong>, and scan this code with your phone’s camera.</p>
<img class="qr" src="${qr}" alt="QR code to activate Duo Mobile" width="208" height="208">
<p class="muted">Activation link: <code>${activationUrl}</code></p>
<div class="stack">${actionForm(`/frame/enroll/activate/${tx.enrollment.activationCode ?? ''}`, tx.id, primaryButton('Simulate scan'))}</div>`,
  );
}

export function addedPage(tx: PromptTransaction, phone: string): string {
  return frame(
    tx,
    'Duo Mobile added',
    html`<p class="alert ok" role="status">Duo Mobile on ${phone} was added to your account.</p>
<div class="stack">${actionForm('/frame/enroll/continue', tx.id, primaryButton('Continue'))}</div>`,
  );
}

export function enrolledPage(tx: PromptTransaction): string {
  return frame(
    tx,
    'You’re all set',
    html`<p>From now on you’ll verify it’s you with a push to Duo Mobile.</p>
<div class="stack">${actionForm('/frame/enroll/login', tx.id, primaryButton('Log in with Duo'))}</div>`,
  );
}

/** What the phone shows after opening the activation link: a phone has no prompt transaction of its own. */
export function activatedPage(ok: boolean): string {
  return page({
    title: ok ? 'Duo Mobile activated' : 'Activation link expired',
    body: ok
      ? html`<h1 id="title">Duo Mobile activated</h1><p>Return to the login page on your computer.</p>`
      : html`<h1 id="title">Activation link expired</h1><p class="alert error" role="alert">This activation link is invalid or was already used.</p>`,
  });
}
