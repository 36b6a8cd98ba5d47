import { ERRORS, type ErrorCode } from '../../shared/api/error-catalogue.ts';

export { ERRORS, type ErrorCode };

/** Field name -> message, for VALIDATION_FAILED and other per-field problems. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly options: {
      fields?: FieldErrors;
      message?: string;
      retryAfterSeconds?: number;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(options.message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

export function fieldError(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { fields: { [field]: message } });
}
