import { type AuthorizeRequest, callbackUrl } from './authorize-request.ts';
import type { AuthOutcome, FlowState, PromptTransaction } from './flow-state.ts';
import { DEFAULT_PHONE, type DuoStore, type StoredUser } from './store.ts';
import type { PromptOutcome } from './types.ts';

export type FlowResult =
  | { kind: 'redirect'; url: string }
  | { kind: 'denied'; reason: string; message: string }
  | { kind: 'prompt'; tx: PromptTransaction };

export interface FlowOptions {
  now: () => number;
  codeTtlSeconds: number;
  pushTimeoutMs: number;
}

const DENIALS = {
  user_disabled: 'Your Duo account is disabled. Contact your help desk for assistance.',
  locked_out: 'Your Duo account is locked out. Contact your help desk to unlock it.',
  deny_unenrolled_user: 'You are not enrolled in Duo, and this application does not allow unenrolled users.',
  user_marked_fraud: 'You reported this login request as fraudulent. Your account has been locked out.',
  user_mistake: 'Login request denied.',
  no_response: 'Login request timed out.',
} as const;

const denied = (reason: keyof typeof DENIALS): FlowResult => ({ kind: 'denied', reason, message: DENIALS[reason] });

/**
 * What Duo decides for a user at the prompt, shared by the browser pages and completeAuthorization() so both paths
 * apply the same user status, New User policy and push rules.
 */
export class PromptFlow {
  constructor(
    private readonly store: DuoStore,
    private readonly state: FlowState,
    private readonly options: FlowOptions,
  ) {}

  private user(request: AuthorizeRequest): StoredUser | undefined {
    return this.store.findUser(request.duoUname);
  }

  /** The prompt opens: statuses and policies that need no push are settled before anything is shown. */
  private gate(request: AuthorizeRequest, accessIp: string): FlowResult | 'push' | 'enroll' {
    const user = this.user(request);
    if (user?.status === 'disabled') return denied('user_disabled');
    if (user?.status === 'locked_out') return denied('locked_out');
    if (user?.status === 'bypass')
      return this.allow(request, accessIp, { reason: 'bypass_user', factor: 'not_available' });
    if (!user?.enrolled) {
      const policy = this.store.newUserPolicy;
      if (policy === 'deny') return denied('deny_unenrolled_user');
      if (policy === 'allow')
        return this.allow(request, accessIp, { reason: 'allow_unenrolled_user', factor: 'not_available' });
      return 'enroll';
    }
    if (user.rememberedDevice)
      return this.allow(request, accessIp, { reason: 'remembered_device', factor: 'remembered_device' });
    return 'push';
  }

  /** GET /oauth/v1/authorize after validation. */
  begin(request: AuthorizeRequest, accessIp: string): FlowResult {
    const gate = this.gate(request, accessIp);
    if (gate !== 'push' && gate !== 'enroll') return gate;
    const tx = this.state.createTransaction(request, accessIp);
    if (gate === 'enroll') {
      tx.step = 'enroll_method';
      return { kind: 'prompt', tx };
    }
    // Duo's "automatically send a push": the simulated phone answers before the page would have rendered.
    return this.user(request)?.autoPush ? this.push(tx) : { kind: 'prompt', tx };
  }

  /** "Send Me a Push" (or the push after enrolment); a phone with autoPush answers at once. */
  push(tx: PromptTransaction): FlowResult {
    this.sendPush(tx);
    const autoPush = this.user(tx.request)?.autoPush;
    return autoPush ? this.answerPush(tx, autoPush) : { kind: 'prompt', tx };
  }

  private sendPush(tx: PromptTransaction): PromptTransaction {
    tx.step = 'waiting';
    tx.notice = undefined;
    tx.fraudReportable = false;
    tx.pushStartedAt = this.options.now();
    return tx;
  }

  /** While a push waits, a reload past the timeout lands back on the prompt with the timeout notice. */
  checkTimeout(tx: PromptTransaction): void {
    if (tx.step !== 'waiting' || tx.pushStartedAt === undefined) return;
    if (this.options.now() - tx.pushStartedAt >= this.pushTimeoutMs(tx)) {
      tx.step = 'prompt';
      tx.notice = 'timeout';
    }
  }

  pushTimeoutMs(tx: PromptTransaction): number {
    return this.user(tx.request)?.pushTimeoutMs ?? this.options.pushTimeoutMs;
  }

  answerPush(tx: PromptTransaction, answer: 'approve' | 'deny'): FlowResult {
    this.checkTimeout(tx);
    if (tx.step !== 'waiting') return { kind: 'prompt', tx };
    const user = this.user(tx.request);
    if (user?.status !== 'active')
      return this.finishDenied(tx, user?.status === 'disabled' ? 'user_disabled' : 'locked_out');
    if (answer === 'deny') {
      tx.step = 'prompt';
      tx.notice = 'denied';
      tx.fraudReportable = true;
      return { kind: 'prompt', tx };
    }
    tx.step = 'finished';
    return this.allow(tx.request, tx.accessIp, this.pushOutcome(user));
  }

  reportFraud(tx: PromptTransaction): FlowResult {
    if (!tx.fraudReportable) return { kind: 'prompt', tx };
    this.store.setUser(this.user(tx.request)?.username ?? tx.request.duoUname, { status: 'locked_out' });
    return this.finishDenied(tx, 'user_marked_fraud');
  }

  /** The phone scanned the activation QR code: from now on Duo knows this user and their Duo Mobile. */
  enroll(tx: PromptTransaction, phone: string): void {
    const existing = this.user(tx.request);
    this.store.setUser(existing?.username ?? tx.request.duoUname, { enrolled: true, phone, status: 'active' });
  }

  /** completeAuthorization(): the person at the prompt, walking the same screens without a browser. */
  complete(
    request: AuthorizeRequest,
    accessIp: string,
    outcome: PromptOutcome,
  ): Exclude<FlowResult, { kind: 'prompt' }> {
    const gate = this.gate(request, accessIp);
    if (gate !== 'push' && gate !== 'enroll') return gate as Exclude<FlowResult, { kind: 'prompt' }>;
    const tx = this.state.createTransaction(request, accessIp);
    if (gate === 'enroll') this.enroll(tx, DEFAULT_PHONE);
    if (outcome === 'timeout') return this.finishDenied(tx, 'no_response');
    if (outcome === 'deny') return this.finishDenied(tx, 'user_mistake');
    const result = this.answerPush(this.sendPush(tx), 'approve');
    return result.kind === 'prompt' ? this.finishDenied(tx, 'no_response') : result;
  }

  private finishDenied(
    tx: PromptTransaction,
    reason: keyof typeof DENIALS,
  ): { kind: 'denied'; reason: string; message: string } {
    tx.step = 'finished';
    return denied(reason) as { kind: 'denied'; reason: string; message: string };
  }

  private pushOutcome(user: StoredUser): AuthOutcome {
    return {
      reason: 'user_approved',
      factor: 'duo_push',
      device: { name: user.phone ?? DEFAULT_PHONE, key: user.phoneKey ?? '' },
    };
  }

  private allow(request: AuthorizeRequest, accessIp: string, outcome: AuthOutcome): { kind: 'redirect'; url: string } {
    const user = this.user(request);
    const nowSeconds = Math.floor(this.options.now() / 1000);
    const code = this.state.issueCode({
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      duoUname: request.duoUname,
      ...(request.nonce ? { nonce: request.nonce } : {}),
      sub: user?.canonicalName ?? user?.username ?? request.duoUname,
      userKey: user?.userKey ?? 'DU00000000000000000',
      accessIp,
      authTime: nowSeconds,
      expiresAt: this.options.now() + this.options.codeTtlSeconds * 1000,
      outcome,
    });
    return { kind: 'redirect', url: callbackUrl(request, code) };
  }
}
