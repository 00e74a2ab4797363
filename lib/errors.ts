/** The one error type the portal throws on purpose, with a small closed set of codes. */
export const ERROR_STATUS = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  UPSTREAM: 502,
  UNAVAILABLE: 503,
} as const;

export type TErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: TErrorCode;
  readonly details: unknown;

  constructor(code: TErrorCode, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options?.details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface TErrorBody {
  error: { code: TErrorCode | "INTERNAL"; message: string; details?: unknown; requestId?: string };
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** A 400 for one bad field found after parsing (a reference to something that does not exist, a rule across fields), shaped as parseJsonBody's. */
export function invalidField(path: string, message: string): AppError {
  return new AppError("INVALID_INPUT", "The request has 1 problem(s).", { details: { issues: [{ path, message }] } });
}
