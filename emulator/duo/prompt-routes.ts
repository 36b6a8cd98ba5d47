import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.ts';
import type { PromptTransaction } from './flow-state.ts';
import {
  addedPage,
  confirmPhonePage,
  enrolledPage,
  installPage,
  methodPage,
  phoneNumberPage,
  qrPage,
} from './pages/enroll-pages.ts';
import { accessDeniedPage, expiredPage } from './pages/info-pages.ts';
import { callingPage, otherOptionsPage, passcodePage } from './pages/options-pages.ts';
import { PROMPT_PATH, promptPage, promptUrl, waitingPage } from './pages/prompt-pages.ts';
import type { FlowResult } from './prompt-flow.ts';
import { DEFAULT_PHONE } from './store.ts';

const HTML = 'text/html; charset=utf-8';

export type FormBody = Record<string, string | string[] | undefined>;

/**
 * Pages answer POSTs with a redirect to the transaction's current step (post/redirect/get), so a reload never
 * replays an action, and finish with a 302 to the application's redirect_uri.
 */
export function sendFlowResult(reply: FastifyReply, result: FlowResult, appName: string): FastifyReply {
  if (result.kind === 'redirect') return reply.code(302).header('location', result.url).send();
  if (result.kind === 'denied')
    return reply
      .code(200)
      .type(HTML)
      .send(accessDeniedPage(appName, result.message, result.reason));
  return reply.code(303).header('location', promptUrl(result.tx)).send();
}

export const activationUrl = (ctx: EmulatorContext, tx: PromptTransaction): string =>
  `${ctx.baseUrl()}/frame/enroll/activate/${tx.enrollment.activationCode ?? ''}`;

async function renderStep(ctx: EmulatorContext, tx: PromptTransaction): Promise<string> {
  const user = ctx.store.findUser(tx.request.duoUname);
  const phone = user?.phone ?? DEFAULT_PHONE;
  const enrollingPhone = tx.enrollment.phone ?? DEFAULT_PHONE;
  switch (tx.step) {
    case 'waiting': {
      const startedAt = tx.pushStartedAt ?? ctx.now();
      const remaining = ctx.flow.pushTimeoutMs(tx) - (ctx.now() - startedAt);
      return tx.waitingFor === 'phone_call'
        ? callingPage(tx, phone, remaining)
        : waitingPage(tx, phone, remaining, startedAt);
    }
    case 'other_options':
      return otherOptionsPage(tx, phone);
    case 'passcode':
    case 'bypass_code':
      return passcodePage(tx, tx.step, user && ctx.store.currentPasscode(user));
    case 'enroll_method':
      return methodPage(tx);
    case 'enroll_phone':
      return phoneNumberPage(tx);
    case 'enroll_confirm':
      return confirmPhonePage(tx, enrollingPhone);
    case 'enroll_install':
      return installPage(tx);
    case 'enroll_qr':
      return qrPage(tx, activationUrl(ctx, tx));
    case 'enroll_added':
      return addedPage(tx, enrollingPhone);
    case 'enroll_done':
      return enrolledPage(tx);
    default:
      return promptPage(tx, phone);
  }
}

export function field(body: FormBody, name: string): string | undefined {
  const value = body[name];
  return Array.isArray(value) ? undefined : value;
}

/** Every prompt action names its transaction in the form; an unknown or expired one gets the expiry page. */
export function txAction(
  ctx: EmulatorContext,
  handle: (tx: PromptTransaction, body: FormBody) => FlowResult | Promise<FlowResult>,
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const body = (request.body ?? {}) as FormBody;
    const tx = ctx.state.getTransaction(field(body, 'txid'));
    if (!tx) return reply.code(400).type(HTML).send(expiredPage());
    ctx.flow.checkTimeout(tx);
    return sendFlowResult(reply, await handle(tx, body), tx.request.client.name);
  };
}

export function registerPromptRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get(PROMPT_PATH, async (request, reply) => {
    const tx = ctx.state.getTransaction((request.query as FormBody).txid);
    if (!tx) return reply.code(400).type(HTML).send(expiredPage());
    ctx.flow.checkTimeout(tx);
    return reply
      .type(HTML)
      .header('cache-control', 'no-store')
      .send(await renderStep(ctx, tx));
  });

  app.post(
    '/frame/push',
    txAction(ctx, (tx) => (tx.step === 'prompt' || tx.step === 'waiting' ? ctx.flow.push(tx) : { kind: 'prompt', tx })),
  );

  app.post(
    '/frame/push/answer',
    txAction(ctx, (tx, body) => {
      const answer = field(body, 'answer');
      return answer === 'approve' || answer === 'deny' ? ctx.flow.answer(tx, answer) : { kind: 'prompt', tx };
    }),
  );

  // "Other options" and each option in it (push, passcode, phone call, bypass code, back).
  app.post(
    '/frame/options',
    txAction(ctx, (tx, body) => ctx.flow.choose(tx, field(body, 'option') ?? '')),
  );

  app.post(
    '/frame/passcode',
    txAction(ctx, (tx, body) => {
      const kind = field(body, 'kind');
      if (kind !== 'passcode' && kind !== 'bypass_code') return { kind: 'prompt', tx };
      return ctx.flow.enterPasscode(tx, kind, field(body, 'passcode') ?? '');
    }),
  );

  app.post(
    '/frame/push/fraud',
    txAction(ctx, (tx) => ctx.flow.reportFraud(tx)),
  );
}
