/** Every error the platform reports carries one of these codes, on every transport. */
export enum ErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  InvalidDocument = 'INVALID_DOCUMENT',
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthenticated = 'UNAUTHENTICATED',
  PermissionDenied = 'PERMISSION_DENIED',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  PreconditionFailed = 'PRECONDITION_FAILED',
  NotDeployed = 'NOT_DEPLOYED',
  /** The agent's blueprint is archived: it cannot be deployed or run until restored and redeployed. */
  Archived = 'ARCHIVED',
  /** An Idempotency-Key already used by this tenant with a different request (agent, input, priority). */
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  ToolFailed = 'TOOL_FAILED',
  OutputInvalid = 'OUTPUT_INVALID',
  /** A per-tenant bound is reached (e.g. queued runs, admission control): retry later (429 + Retry-After). */
  ResourceExhausted = 'RESOURCE_EXHAUSTED',
  Unavailable = 'UNAVAILABLE',
  Timeout = 'TIMEOUT',
  Internal = 'INTERNAL',
}

const codes = new Set<string>(Object.values(ErrorCode));

export function isErrorCode(value: string): value is ErrorCode {
  return codes.has(value);
}
