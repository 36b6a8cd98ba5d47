import type { AuthorizeRequest } from './authorize-request.ts';
import { opaqueToken } from './random.ts';

/** Why Duo let the user through, as its authentication log says it (auth_context.reason). */
export type AllowReason =
  | 'user_approved'
  | 'valid_passcode'
  | 'bypass_user'
  | 'remembered_device'
  | 'allow_unenrolled_user';

/** The factor names of Duo's authentication log (auth_context.factor). */
export type Factor =
  | 'duo_push'
  | 'duo_mobile_passcode'
  | 'bypass_code'
  | 'phone_call'
  | 'remembered_device'
  | 'not_available';

export interface AuthOutcome {
  reason: AllowReason;
  factor: Factor;
  device?: { name: string; key: string };
}

export interface IssuedCode {
  clientId: string;
  redirectUri: string;
  duoUname: string;
  nonce?: string;
  sub: string;
  userKey: string;
  accessIp: string;
  /** Seconds, the emulator clock. */
  authTime: number;
  expiresAt: number;
  used: boolean;
  outcome: AuthOutcome;
  /** The authentication log entry of this login: the id_token's auth_context.txid. */
  txid: string;
}

export type PromptStep =
  | 'prompt'
  | 'waiting'
  | 'other_options'
  | 'passcode'
  | 'bypass_code'
  | 'enroll_method'
  | 'enroll_phone'
  | 'enroll_confirm'
  | 'enroll_install'
  | 'enroll_qr'
  | 'enroll_added'
  | 'enroll_done'
  | 'finished';

export type PromptNotice = 'denied' | 'timeout' | 'invalid_passcode' | 'call_denied' | 'call_timeout' | undefined;

/** What the waiting page waits for: the push's answer, or the phone call's. */
export type WaitingFor = 'push' | 'phone_call';

export interface PromptTransaction {
  id: string;
  request: AuthorizeRequest;
  accessIp: string;
  step: PromptStep;
  notice: PromptNotice;
  /** A denial may still be reported as fraud, once. */
  fraudReportable: boolean;
  pushStartedAt?: number;
  waitingFor: WaitingFor;
  /** The log entry of the last denial, so a fraud report changes it instead of adding a second line. */
  deniedTxid?: string;
  enrollment: { countryCode?: string; number?: string; phone?: string; phoneError?: string; activationCode?: string };
  expiresAt: number;
}

// Long enough for a person to walk the enrolment screens (Duo's inline enrolment can take minutes).
const TRANSACTION_TTL_MS = 30 * 60_000;

/** In-memory prompt transactions and authorization codes, like Duo's own short-lived server-side state. */
export class FlowState {
  private readonly transactions = new Map<string, PromptTransaction>();
  private readonly codes = new Map<string, IssuedCode>();
  /** Client-assertion jti values seen, per client, kept until the assertion expires (then a replay fails on exp). */
  private readonly seenJtis = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  createTransaction(request: AuthorizeRequest, accessIp: string): PromptTransaction {
    this.sweep();
    const tx: PromptTransaction = {
      id: opaqueToken(),
      request,
      accessIp,
      step: 'prompt',
      notice: undefined,
      fraudReportable: false,
      waitingFor: 'push',
      enrollment: {},
      expiresAt: this.now() + TRANSACTION_TTL_MS,
    };
    this.transactions.set(tx.id, tx);
    return tx;
  }

  getTransaction(id: unknown): PromptTransaction | undefined {
    if (typeof id !== 'string') return undefined;
    const tx = this.transactions.get(id);
    return tx && tx.expiresAt > this.now() && tx.step !== 'finished' ? tx : undefined;
  }

  findByActivationCode(code: string): PromptTransaction | undefined {
    return [...this.transactions.values()].find((tx) => tx.enrollment.activationCode === code);
  }

  issueCode(details: Omit<IssuedCode, 'used'>): string {
    const code = opaqueToken();
    this.codes.set(code, { ...details, used: false });
    return code;
  }

  /** The code, if it exists and has not expired; single use is the caller's business (a fault can lift it). */
  lookupCode(code: string): IssuedCode | undefined {
    const issued = this.codes.get(code);
    return issued && issued.expiresAt > this.now() ? issued : undefined;
  }

  /** True the first time a client presents this jti; false for a replay while the assertion is still valid. */
  firstUseOfJti(clientId: string, jti: string, expiresAtSeconds: number): boolean {
    const nowSeconds = this.now() / 1000;
    for (const [key, exp] of this.seenJtis) if (exp <= nowSeconds) this.seenJtis.delete(key);
    const key = `${clientId.length}:${clientId}:${jti}`;
    if (this.seenJtis.has(key)) return false;
    this.seenJtis.set(key, expiresAtSeconds);
    return true;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, tx] of this.transactions)
      if (tx.expiresAt <= now || tx.step === 'finished') this.transactions.delete(id);
    for (const [code, issued] of this.codes) if (issued.expiresAt <= now) this.codes.delete(code);
  }
}
