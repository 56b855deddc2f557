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
  /** A rate limit of the caller (API key / user / plan) is reached: 429 + Retry-After + RateLimit-* headers. */
  RateLimited = 'RATE_LIMITED',
  /** A tenant's quota for the period (e.g. monthly runs) is used up: 429 until the period ends. */
  QuotaExceeded = 'QUOTA_EXCEEDED',
  /** A spend budget (tenant, agent, run) would be exceeded by a model call's worst-case estimate: refused before the call (402). */
  BudgetExceeded = 'BUDGET_EXCEEDED',
  /** The action needs a human's approval first; details name the escalation (403). */
  ApprovalRequired = 'APPROVAL_REQUIRED',
  /** An approver rejected the action, or policy did at a deadline (a run's failure code). */
  ApprovalRejected = 'APPROVAL_REJECTED',
  /** The policy decision point denied the action (autonomy level, scope, risk). */
  PolicyDenied = 'POLICY_DENIED',
  /** The final answer's confidence is below the blueprint's output.minConfidence. */
  LowConfidence = 'LOW_CONFIDENCE',
  Unavailable = 'UNAVAILABLE',
  Timeout = 'TIMEOUT',
  Internal = 'INTERNAL',
}

const codes = new Set<string>(Object.values(ErrorCode));

export function isErrorCode(value: string): value is ErrorCode {
  return codes.has(value);
}
