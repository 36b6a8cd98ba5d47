import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context.ts';
import type { PromptStep, PromptTransaction } from './flow-state.ts';
import { activatedPage, formatPhone } from './pages/enroll-pages.ts';
import type { FlowResult } from './prompt-flow.ts';
import { field, txAction } from './prompt-routes.ts';
import { opaqueToken } from './random.ts';

/** Moves the walk on only from the step the button belongs to, so a stale tab or a replayed form cannot skip ahead. */
const step = (tx: PromptTransaction, from: PromptStep, to: PromptStep): FlowResult => {
  if (tx.step === from) tx.step = to;
  return { kind: 'prompt', tx };
};

/** The seed's walk: Duo Mobile, country and number, confirm, install, QR code, added, then the first push. */
export function registerEnrollRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post(
    '/frame/enroll/method',
    txAction(ctx, (tx, body) =>
      field(body, 'method') === 'duo_mobile' ? step(tx, 'enroll_method', 'enroll_phone') : { kind: 'prompt', tx },
    ),
  );

  app.post(
    '/frame/enroll/phone',
    txAction(ctx, (tx, body) => {
      if (tx.step !== 'enroll_phone') return { kind: 'prompt', tx };
      const countryCode = field(body, 'country') ?? '';
      const number = field(body, 'phone') ?? '';
      const phone = formatPhone(countryCode, number);
      tx.enrollment = { countryCode, number };
      if (!phone) {
        tx.enrollment.phoneError = 'Enter a valid mobile phone number (digits only, with area code).';
        return { kind: 'prompt', tx };
      }
      tx.enrollment.phone = phone;
      return step(tx, 'enroll_phone', 'enroll_confirm');
    }),
  );

  app.post(
    '/frame/enroll/confirm',
    txAction(ctx, (tx, body) =>
      step(tx, 'enroll_confirm', field(body, 'correct') === 'yes' ? 'enroll_install' : 'enroll_phone'),
    ),
  );

  app.post(
    '/frame/enroll/next',
    txAction(ctx, (tx) => {
      if (tx.step === 'enroll_install') tx.enrollment.activationCode = opaqueToken();
      return step(tx, 'enroll_install', 'enroll_qr');
    }),
  );

  const activate = (tx: PromptTransaction | undefined): boolean => {
    if (tx?.step !== 'enroll_qr') return false;
    ctx.flow.enroll(tx, tx.enrollment.phone ?? '');
    delete tx.enrollment.activationCode;
    tx.step = 'enroll_added';
    return true;
  };

  // The card's "Simulate scan" button: the activation code in the path must belong to the card's transaction.
  app.post<{ Params: { code: string } }>('/frame/enroll/activate/:code', (request, reply) =>
    txAction(ctx, (tx) => {
      if (tx.enrollment.activationCode === request.params.code) activate(tx);
      return { kind: 'prompt', tx };
    })(request, reply),
  );

  // The link inside the QR code, as a phone opening it would; the card notices on its next load.
  app.get<{ Params: { code: string } }>('/frame/enroll/activate/:code', async (request, reply) => {
    const ok = activate(ctx.state.findByActivationCode(request.params.code));
    return reply
      .code(ok ? 200 : 404)
      .type('text/html; charset=utf-8')
      .send(activatedPage(ok));
  });

  app.post(
    '/frame/enroll/continue',
    txAction(ctx, (tx) => step(tx, 'enroll_added', 'enroll_done')),
  );

  app.post(
    '/frame/enroll/login',
    txAction(ctx, (tx) => (tx.step === 'enroll_done' ? ctx.flow.push(tx) : { kind: 'prompt', tx })),
  );
}
