// Server-rendered pages with inline CSS and no script: the prompt must work with nothing but forms, and no asset may
// come from a third party (the machines running the emulator often have no Internet at all).

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** Tagged template that escapes every interpolation unless it is already rendered markup. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type Part = string | number | Html | undefined | null | false | readonly Part[];

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return '';
  if (part instanceof Html) return part.markup;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < parts.length ? render(parts[i] as Part) : ''), ''));
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#eef1f4}
.stage{min-height:100vh;display:flex;flex-wrap:wrap;gap:40px;align-items:center;justify-content:center;padding:32px 16px}
.card{width:100%;max-width:420px;background:#fff;border-radius:12px;border-top:6px solid #6bbf44;box-shadow:0 8px 28px rgba(20,30,40,.12);padding:28px 32px 20px}
.brand{display:flex;align-items:center;gap:10px;font-weight:700;color:#2f6b1c;letter-spacing:.02em}
.brand svg{flex:none}
.app{margin:18px 0 4px;font-size:13px;color:#57606a;text-transform:uppercase;letter-spacing:.06em}
h1{font-size:24px;line-height:1.25;margin:0 0 12px}
.brand+h1{margin-top:18px}
p{margin:0 0 14px}
.muted{color:#57606a;font-size:14px}
.stack{display:flex;flex-direction:column;gap:10px;margin:18px 0}
button{font:inherit;font-weight:600;border-radius:8px;padding:12px 16px;cursor:pointer;width:100%;border:1px solid transparent}
.primary{background:#2f7d1f;color:#fff}
.primary:hover,.primary:focus{background:#246317}
.secondary{background:#fff;color:#1f2328;border-color:#c4cbd2}
.secondary:hover,.secondary:focus{background:#f3f6f8}
button[disabled]{color:#8c959f;background:#f6f8fa;cursor:not-allowed}
.danger{background:#c62828;color:#fff}
.link{background:none;border:none;color:#1f5fb4;text-decoration:underline;font-weight:600;padding:6px}
.link:hover,.link:focus{color:#174a8c}
.option{display:flex;flex-direction:column;align-items:flex-start;text-align:left;background:#fff;border-color:#c4cbd2;color:#1f2328}
.option:hover,.option:focus{background:#f3f6f8;border-color:#2f7d1f}
.option small{font-weight:400;color:#57606a;font-size:14px}
.passcode{font:700 34px/1.2 ui-monospace,SFMono-Regular,Menlo,monospace;letter-spacing:.12em;text-align:center;margin:8px 0}
.alert{border-radius:8px;padding:10px 14px;margin:0 0 14px;font-weight:600}
.alert.error{background:#fdecea;color:#8a1c1c;border:1px solid #f5c2c0}
.alert.ok{background:#edf7e9;color:#2f6b1c;border:1px solid #c6e6b8}
label{display:block;font-weight:600;margin:10px 0 4px}
select,input{font:inherit;width:100%;padding:10px 12px;border:1px solid #c4cbd2;border-radius:8px;background:#fff}
.qr{display:block;margin:8px auto;width:208px;height:208px;image-rendering:pixelated}
.spinner{width:36px;height:36px;margin:8px auto 16px;border:4px solid #d7ecce;border-top-color:#2f7d1f;border-radius:50%;animation:spin 1s linear infinite}
@keyframes spin{to{transform:rotate(360deg)}}
footer{margin-top:22px;padding-top:12px;border-top:1px solid #e5e8eb;font-size:12px;color:#57606a;text-align:center}
.phone{width:270px;min-height:520px;border-radius:38px;background:#1d2125;padding:14px;box-shadow:0 10px 30px rgba(0,0,0,.25)}
.screen{background:#fff;border-radius:26px;min-height:492px;overflow:hidden;display:flex;flex-direction:column}
.screen header{background:#6bbf44;color:#fff;font-weight:700;padding:18px 16px 12px;text-align:center}
.screen .body{padding:18px 16px;flex:1;display:flex;flex-direction:column;gap:10px}
.screen dl{margin:0;font-size:14px}.screen dt{color:#57606a;font-size:12px}.screen dd{margin:0 0 8px;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e8eb}
code{font-size:13px;background:#f3f6f8;border-radius:4px;padding:1px 4px;word-break:break-all}
`;

const LOGO = html`<svg width="30" height="30" viewBox="0 0 30 30" aria-hidden="true"><circle cx="15" cy="15" r="14" fill="#6bbf44"/><path d="M9 15.5l4 4 8-9" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

export interface PageOptions {
  title: string;
  /** The protected application's name, shown above the heading as Duo does. */
  appName?: string;
  body: Html;
  /** A second panel beside the card: the simulated Duo Mobile phone. */
  aside?: Html;
  /** Reload after this many seconds (how the waiting page notices a push timeout without script). */
  refresh?: { seconds: number; url: string };
}

export function page(opts: PageOptions): string {
  const refresh = opts.refresh
    ? html`<meta http-equiv="refresh" content="${`${opts.refresh.seconds};url=${opts.refresh.url}`}">`
    : '';
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
${refresh}
<title>${opts.title} | Duo Security emulator</title>
<style>${new Html(CSS)}</style>
</head>
<body>
<main class="stage">
<section class="card" aria-labelledby="title">
<div class="brand">${LOGO}<span>Duo Security emulator</span></div>
${opts.appName ? html`<div class="app">${opts.appName}</div>` : ''}
${opts.body}
<footer>Secured by the Duo Security emulator — not the real Duo. No data leaves this machine.</footer>
</section>
${opts.aside ?? ''}
</main>
</body>
</html>
`.markup;
}

/** A form that posts one action for the prompt transaction; every control has a visible, unique name. */
export function actionForm(action: string, txid: string, button: Html, fields: Record<string, string> = {}): Html {
  const hidden = Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
  return html`<form method="post" action="${action}"><input type="hidden" name="txid" value="${txid}">${hidden}${button}</form>`;
}

export const primaryButton = (label: string): Html => html`<button type="submit" class="primary">${label}</button>`;
export const secondaryButton = (label: string): Html => html`<button type="submit" class="secondary">${label}</button>`;
