import type { AuthorizeRequest } from './authorize-request.ts';
import { opaqueToken } from './random.ts';

/** Why Duo let the user through, as its authentication log says it (auth_context.reason). */
export type AllowReason = 'user_approved' | 'bypass_user' | 'remembered_device' | 'allow_unenrolled_user';

export interface AuthOutcome {
  reason: AllowReason;
  factor: string;
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
}

export type PromptStep =
  | 'prompt'
  | 'waiting'
  | 'enroll_method'
  | 'enroll_phone'
  | 'enroll_confirm'
  | 'enroll_install'
  | 'enroll_qr'
  | 'enroll_added'
  | 'enroll_done'
  | 'finished';

export type PromptNotice = 'denied' | 'timeout' | undefined;

export interface PromptTransaction {
  id: string;
  request: AuthorizeRequest;
  accessIp: string;
  step: PromptStep;
  notice: PromptNotice;
  /** A denial may still be reported as fraud, once. */
  fraudReportable: boolean;
  pushStartedAt?: number;
  enrollment: { countryCode?: string; number?: string; phone?: string; phoneError?: string; activationCode?: string };
  expiresAt: number;
}

// Long enough for a person to walk the enrolment screens (duo-protocol.md §4.3: enrolment can take minutes).
const TRANSACTION_TTL_MS = 30 * 60_000;

/** In-memory prompt transactions and authorization codes, like Duo's own short-lived server-side state. */
export class FlowState {
  private readonly transactions = new Map<string, PromptTransaction>();
  private readonly codes = new Map<string, IssuedCode>();

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

  private sweep(): void {
    const now = this.now();
    for (const [id, tx] of this.transactions)
      if (tx.expiresAt <= now || tx.step === 'finished') this.transactions.delete(id);
    for (const [code, issued] of this.codes) if (issued.expiresAt <= now) this.codes.delete(code);
  }
}
