import { ErrorCode, isErrorCode } from './error-code.js';

export interface AppErrorOptions {
  /** JSON Pointer to the offending field of the input, when one field is to blame. */
  path?: string;
  /** Structured detail safe to show to the caller (e.g. a validation report). */
  details?: unknown;
  cause?: unknown;
}

/** A domain error: a code from {@link ErrorCode}, a human message and, where known, the path at fault. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
    this.details = options.details;
  }

  static notFound(what: string, path?: string): AppError {
    return new AppError(ErrorCode.NotFound, `${what} was not found`, path === undefined ? {} : { path });
  }

  static invalid(message: string, path: string): AppError {
    return new AppError(ErrorCode.InvalidArgument, message, { path });
  }

  /** Rebuilds an error received over the wire; an unknown code becomes INTERNAL. */
  static fromWire(code: string, message: string, path: string | undefined, detailsJson: string): AppError {
    let details: unknown;
    if (detailsJson) {
      try {
        details = JSON.parse(detailsJson);
      } catch {
        details = undefined;
      }
    }
    return new AppError(isErrorCode(code) ? code : ErrorCode.Internal, message, { ...(path === undefined ? {} : { path }), details });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Any thrown value as an AppError; what is not one becomes INTERNAL without leaking its message. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError(ErrorCode.Internal, 'internal error', { cause: error });
}
