import { ErrorCode } from './error-code.js';

export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}

/** The HTTP status for an error code. Exhaustive: a new code does not compile until it is mapped. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.InvalidArgument:
    case ErrorCode.InvalidDocument:
      return 400;
    case ErrorCode.Unauthenticated:
      return 401;
    case ErrorCode.BudgetExceeded:
      return 402;
    case ErrorCode.PermissionDenied:
    case ErrorCode.ApprovalRequired:
    case ErrorCode.PolicyDenied:
      return 403;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.Conflict:
    case ErrorCode.NotDeployed:
    case ErrorCode.Archived:
      return 409;
    case ErrorCode.PreconditionFailed:
      return 412;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.UnsupportedMediaType:
      return 415;
    case ErrorCode.ValidationFailed:
    case ErrorCode.ToolFailed:
    case ErrorCode.OutputInvalid:
    case ErrorCode.IdempotencyKeyReused:
    case ErrorCode.LowConfidence:
      return 422;
    case ErrorCode.ApprovalRejected:
      return 409;
    case ErrorCode.ResourceExhausted:
    case ErrorCode.RateLimited:
    case ErrorCode.QuotaExceeded:
      return 429;
    case ErrorCode.Unavailable:
      return 503;
    case ErrorCode.Timeout:
      return 504;
    case ErrorCode.Internal:
      return 500;
    default:
      return assertUnreachable(code);
  }
}

/** What a JetStream consumer does with a message whose handler failed with this code. */
export type Disposition = { kind: 'ack' } | { kind: 'nak'; delayMs: number } | { kind: 'term'; reason: string };

/**
 * Transient failures are retried with an exponential delay (capped); permanent ones are
 * terminated so that a poison message is not redelivered forever. Exhaustive like httpStatusOf.
 */
export function dispositionOf(code: ErrorCode, deliveryCount: number): Disposition {
  switch (code) {
    case ErrorCode.ResourceExhausted:
    case ErrorCode.RateLimited:
    case ErrorCode.Unavailable:
    case ErrorCode.Timeout:
    case ErrorCode.Internal:
      return { kind: 'nak', delayMs: Math.min(30_000, 500 * 2 ** Math.max(0, deliveryCount - 1)) };
    case ErrorCode.InvalidArgument:
    case ErrorCode.InvalidDocument:
    case ErrorCode.ValidationFailed:
    case ErrorCode.Unauthenticated:
    case ErrorCode.PermissionDenied:
    case ErrorCode.NotFound:
    case ErrorCode.Conflict:
    case ErrorCode.PreconditionFailed:
    case ErrorCode.NotDeployed:
    case ErrorCode.Archived:
    case ErrorCode.PayloadTooLarge:
    case ErrorCode.UnsupportedMediaType:
    case ErrorCode.ToolFailed:
    case ErrorCode.OutputInvalid:
    case ErrorCode.IdempotencyKeyReused:
    case ErrorCode.QuotaExceeded:
    case ErrorCode.BudgetExceeded:
    case ErrorCode.ApprovalRequired:
    case ErrorCode.ApprovalRejected:
    case ErrorCode.PolicyDenied:
    case ErrorCode.LowConfidence:
      return { kind: 'term', reason: code };
    default:
      return assertUnreachable(code);
  }
}
