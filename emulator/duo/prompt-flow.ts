import type { AuthLog } from './auth-log.ts';
import { type AuthorizeRequest, callbackUrl } from './authorize-request.ts';
import type { AuthOutcome, Factor, FlowState, PromptTransaction } from './flow-state.ts';
import { DEFAULT_PHONE, type DuoStore, type StoredUser } from './store.ts';
import type { AuthLogEntry, PromptOutcome } from './types.ts';

export type FlowResult =
  | { kind: 'redirect'; url: string }
  | { kind: 'denied'; reason: string; message: string }
  | { kind: 'prompt'; tx: PromptTransaction };

type Final = Exclude<FlowResult, { kind: 'prompt' }>;

export interface FlowOptions {
  now: () => number;
  codeTtlSeconds: number;
  pushTimeoutMs: number;
  log: AuthLog;
}

const DENIALS = {
  user_disabled: 'Your Duo account is disabled. Contact your help desk for assistance.',
  locked_out: 'Your Duo account is locked out. Contact your help desk to unlock it.',
  deny_unenrolled_user: 'You are not enrolled in Duo, and this application does not allow unenrolled users.',
  user_marked_fraud: 'You reported this login request as fraudulent. Your account has been locked out.',
  user_mistake: 'Login request denied.',
  no_response: 'Login request timed out.',
  invalid_passcode: 'Incorrect passcode. Enter a valid passcode.',
} as const;

type DenialReason = keyof typeof DENIALS;

const denied = (reason: DenialReason): Final => ({ kind: 'denied', reason, message: DENIALS[reason] });

/** The simulated phone's address in the log and the id_token (a documentation address, RFC 5737). */
export const PHONE_IP = '192.0.2.10';

/** "Other options" that end with a code typed into the prompt. */
export type PasscodeKind = 'passcode' | 'bypass_code';

const PASSCODE_FACTOR: Record<PasscodeKind, Factor> = { passcode: 'duo_mobile_passcode', bypass_code: 'bypass_code' };

/**
 * What Duo decides for a user at the prompt, shared by the browser pages and completeAuthorization() so both paths
 * apply the same user status, New User policy and factor rules — and write the same authentication log.
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

  private record(
    request: AuthorizeRequest,
    accessIp: string,
    result: AuthLogEntry['result'],
    reason: string,
    factor: Factor,
  ): AuthLogEntry {
    const user = this.user(request);
    const viaPhone = factor === 'duo_push' || factor === 'phone_call' || factor === 'duo_mobile_passcode';
    return this.options.log.record({
      event_type: 'authentication',
      result,
      reason,
      factor,
      user: { name: user?.username ?? request.duoUname.toLowerCase(), key: user?.userKey ?? null, groups: [] },
      application: { name: request.client.name, key: request.client.clientId },
      access_device: { ip: accessIp },
      auth_device: viaPhone ? { name: user?.phone ?? DEFAULT_PHONE, ip: PHONE_IP } : { name: null, ip: null },
      alias: aliasOf(request.duoUname, user?.canonicalName ?? user?.username ?? request.duoUname),
    });
  }

  /** A refusal Duo decides before any factor (status, New User policy): logged, then the access-denied page. */
  private refuse(request: AuthorizeRequest, accessIp: string, reason: DenialReason): Final {
    this.record(request, accessIp, 'denied', reason, 'not_available');
    return denied(reason);
  }

  /** The prompt opens: statuses and policies that need no factor are settled before anything is shown. */
  private gate(request: AuthorizeRequest, accessIp: string): Final | 'prompt' | 'enroll' {
    const user = this.user(request);
    if (user?.status === 'disabled') return this.refuse(request, accessIp, 'user_disabled');
    if (user?.status === 'locked_out') return this.refuse(request, accessIp, 'locked_out');
    if (user?.status === 'bypass')
      return this.allow(request, accessIp, { reason: 'bypass_user', factor: 'not_available' });
    if (!user?.enrolled) {
      const policy = this.store.newUserPolicy;
      if (policy === 'deny') return this.refuse(request, accessIp, 'deny_unenrolled_user');
      if (policy === 'allow')
        return this.allow(request, accessIp, { reason: 'allow_unenrolled_user', factor: 'not_available' });
      return 'enroll';
    }
    if (user.rememberedDevice)
      return this.allow(request, accessIp, { reason: 'remembered_device', factor: 'remembered_device' });
    return 'prompt';
  }

  /** GET /oauth/v1/authorize after validation. */
  begin(request: AuthorizeRequest, accessIp: string): FlowResult {
    const gate = this.gate(request, accessIp);
    if (gate !== 'prompt' && gate !== 'enroll') return gate;
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
    this.startWaiting(tx, 'push');
    const autoPush = this.user(tx.request)?.autoPush;
    return autoPush ? this.answer(tx, autoPush) : { kind: 'prompt', tx };
  }

  /** "Call Me": the phone rings; a user with a phoneCall behaviour answers (or declines) at once. */
  call(tx: PromptTransaction): FlowResult {
    this.startWaiting(tx, 'phone_call');
    const behaviour = this.user(tx.request)?.phoneCall;
    if (behaviour === 'answer') return this.answer(tx, 'approve');
    if (behaviour === 'deny') return this.answer(tx, 'deny');
    return { kind: 'prompt', tx };
  }

  /** "Other options" → one of them; the passcode kinds open their form. */
  choose(tx: PromptTransaction, option: string): FlowResult {
    if (!['prompt', 'other_options', 'passcode', 'bypass_code', 'waiting'].includes(tx.step))
      return { kind: 'prompt', tx };
    tx.notice = undefined;
    if (option === 'passcode' || option === 'bypass_code') tx.step = option;
    else if (option === 'phone_call') return this.call(tx);
    else if (option === 'push') return this.push(tx);
    else tx.step = option === 'other_options' ? 'other_options' : 'prompt';
    return { kind: 'prompt', tx };
  }

  private startWaiting(tx: PromptTransaction, waitingFor: PromptTransaction['waitingFor']): PromptTransaction {
    tx.step = 'waiting';
    tx.waitingFor = waitingFor;
    tx.notice = undefined;
    tx.fraudReportable = false;
    tx.pushStartedAt = this.options.now();
    return tx;
  }

  /** While a push or call waits, a reload past the timeout lands back on the prompt with the timeout notice. */
  checkTimeout(tx: PromptTransaction): void {
    if (tx.step !== 'waiting' || tx.pushStartedAt === undefined) return;
    if (this.options.now() - tx.pushStartedAt >= this.pushTimeoutMs(tx)) {
      this.record(tx.request, tx.accessIp, 'denied', 'no_response', this.waitingFactor(tx));
      tx.step = 'prompt';
      tx.notice = tx.waitingFor === 'phone_call' ? 'call_timeout' : 'timeout';
    }
  }

  pushTimeoutMs(tx: PromptTransaction): number {
    return this.user(tx.request)?.pushTimeoutMs ?? this.options.pushTimeoutMs;
  }

  private waitingFactor(tx: PromptTransaction): Factor {
    return tx.waitingFor === 'phone_call' ? 'phone_call' : 'duo_push';
  }

  /** Approve / Deny on the phone, for a push or a call. */
  answer(tx: PromptTransaction, answer: 'approve' | 'deny'): FlowResult {
    this.checkTimeout(tx);
    if (tx.step !== 'waiting') return { kind: 'prompt', tx };
    const factor = this.waitingFactor(tx);
    const user = this.user(tx.request);
    if (user?.status !== 'active') return this.refuseDuring(tx, user, factor);
    if (answer === 'deny') {
      const entry = this.record(tx.request, tx.accessIp, 'denied', 'user_mistake', factor);
      tx.step = 'prompt';
      tx.notice = factor === 'phone_call' ? 'call_denied' : 'denied';
      // Duo Mobile asks "was this you?" after a denied push; a phone call has no such question here.
      tx.fraudReportable = factor === 'duo_push';
      tx.deniedTxid = entry.txid;
      return { kind: 'prompt', tx };
    }
    tx.step = 'finished';
    return this.allow(tx.request, tx.accessIp, { reason: 'user_approved', factor, device: this.device(user) });
  }

  /** A Duo Mobile passcode or a bypass code typed into the prompt. */
  enterPasscode(tx: PromptTransaction, kind: PasscodeKind, code: string): FlowResult {
    if (tx.step !== kind) return { kind: 'prompt', tx };
    const factor = PASSCODE_FACTOR[kind];
    const user = this.user(tx.request);
    if (user?.status !== 'active') return this.refuseDuring(tx, user, factor);
    const trimmed = code.replace(/\s+/g, '');
    const valid =
      kind === 'passcode' ? this.store.redeemPasscode(user, trimmed) : this.store.redeemBypassCode(user, trimmed);
    if (!valid) {
      this.record(tx.request, tx.accessIp, 'denied', 'invalid_passcode', factor);
      tx.notice = 'invalid_passcode';
      return { kind: 'prompt', tx };
    }
    tx.step = 'finished';
    return this.allow(tx.request, tx.accessIp, {
      reason: 'valid_passcode',
      factor,
      ...(kind === 'passcode' ? { device: this.device(user) } : {}),
    });
  }

  /** The user was disabled or locked out while the prompt was open. */
  private refuseDuring(tx: PromptTransaction, user: StoredUser | undefined, factor: Factor): Final {
    const reason = user?.status === 'disabled' ? 'user_disabled' : 'locked_out';
    this.record(tx.request, tx.accessIp, 'denied', reason, factor);
    return this.finishDenied(tx, reason);
  }

  reportFraud(tx: PromptTransaction): FlowResult {
    if (!tx.fraudReportable) return { kind: 'prompt', tx };
    if (tx.deniedTxid) this.options.log.markFraud(tx.deniedTxid);
    this.store.setUser(this.user(tx.request)?.username ?? tx.request.duoUname, { status: 'locked_out' });
    return this.finishDenied(tx, 'user_marked_fraud');
  }

  /** The phone scanned the activation QR code: from now on Duo knows this user and their Duo Mobile. */
  enroll(tx: PromptTransaction, phone: string): void {
    const existing = this.user(tx.request);
    this.store.setUser(existing?.username ?? tx.request.duoUname, { enrolled: true, phone, status: 'active' });
  }

  /** completeAuthorization(): the person at the prompt, walking the same screens without a browser. */
  complete(request: AuthorizeRequest, accessIp: string, outcome: PromptOutcome, code?: string): Final {
    const gate = this.gate(request, accessIp);
    if (gate !== 'prompt' && gate !== 'enroll') return gate;
    const tx = this.state.createTransaction(request, accessIp);
    if (gate === 'enroll') this.enroll(tx, DEFAULT_PHONE);
    const user = this.user(request);
    let result: FlowResult;
    switch (outcome) {
      case 'passcode':
      case 'bypass_code': {
        tx.step = outcome;
        const typed = code ?? (outcome === 'passcode' && user ? this.store.currentPasscode(user) : undefined) ?? '';
        result = this.enterPasscode(tx, outcome, typed);
        if (result.kind === 'prompt') return this.finishDenied(tx, 'invalid_passcode');
        return result as Final;
      }
      case 'phone_call':
        this.startWaiting(tx, 'phone_call');
        result = this.answer(tx, 'approve');
        break;
      case 'timeout':
        this.startWaiting(tx, 'push');
        tx.pushStartedAt = this.options.now() - this.pushTimeoutMs(tx);
        this.checkTimeout(tx);
        return this.finishDenied(tx, 'no_response');
      case 'deny':
      case 'fraud':
        this.startWaiting(tx, 'push');
        this.answer(tx, 'deny');
        return outcome === 'fraud' ? (this.reportFraud(tx) as Final) : this.finishDenied(tx, 'user_mistake');
      default:
        this.startWaiting(tx, 'push');
        result = this.answer(tx, 'approve');
    }
    return result.kind === 'prompt' ? this.finishDenied(tx, 'no_response') : result;
  }

  private finishDenied(tx: PromptTransaction, reason: DenialReason): Final {
    tx.step = 'finished';
    return denied(reason);
  }

  private device(user: StoredUser): { name: string; key: string } {
    return { name: user.phone ?? DEFAULT_PHONE, key: user.phoneKey ?? '' };
  }

  private allow(request: AuthorizeRequest, accessIp: string, outcome: AuthOutcome): { kind: 'redirect'; url: string } {
    const user = this.user(request);
    const entry = this.record(request, accessIp, 'success', outcome.reason, outcome.factor);
    if (user) this.store.recordLogin(user, entry.timestamp);
    const code = this.state.issueCode({
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      duoUname: request.duoUname,
      ...(request.nonce ? { nonce: request.nonce } : {}),
      sub: user?.canonicalName ?? user?.username ?? request.duoUname.toLowerCase(),
      userKey: user?.userKey ?? UNKNOWN_USER_KEY,
      accessIp,
      authTime: entry.timestamp,
      expiresAt: this.options.now() + this.options.codeTtlSeconds * 1000,
      outcome,
      txid: entry.txid,
    });
    return { kind: 'redirect', url: callbackUrl(request, code) };
  }
}

/** A user Duo lets through without knowing them (New User policy "allow") still gets a key of Duo's shape: DU + 18. */
const UNKNOWN_USER_KEY = `DU${'0'.repeat(18)}`;

/** Duo's alias field: the name that was sent when it is not the user's primary name (Duo compares them lowercased). */
export const aliasOf = (sent: string, canonical: string): string =>
  sent.toLowerCase() === canonical.toLowerCase() ? '' : sent.toLowerCase();
