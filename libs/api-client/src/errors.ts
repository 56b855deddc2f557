/** The gateway's error body: `{ error: { code, message, path?, details?, correlationId?, traceId? } }`. */
export interface ApiErrorBody {
  code: string;
  message: string;
  path?: string;
  details?: unknown;
  correlationId?: string;
  traceId?: string;
}

/**
 * A non-2xx answer of the gateway, or no answer at all (`status` 0, code `UNAVAILABLE`): what the
 * CLI prints and the console shows — the API's code, its message and the path of the offending field.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly path: string | undefined;
  readonly details: unknown;
  readonly correlationId: string | undefined;
  readonly retryAfterSec: number | undefined;

  constructor(status: number, body: ApiErrorBody, retryAfterSec?: number) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.path = body.path;
    this.details = body.details;
    this.correlationId = body.correlationId;
    this.retryAfterSec = retryAfterSec;
  }

  /** `CODE: message (at /path)` — one line. */
  describe(): string {
    return `${this.code}: ${this.message}${this.path ? ` (at ${this.path})` : ''}`;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The ApiError for an answer: the body's `error` when it has one, else a code from the status alone. */
export function apiErrorFrom(status: number, body: unknown, headers?: Headers): ApiError {
  const retry = headers?.get('retry-after');
  const retryAfterSec = retry && /^\d+$/.test(retry) ? Number(retry) : undefined;
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : undefined;
  if (error && typeof error['code'] === 'string' && typeof error['message'] === 'string') {
    return new ApiError(
      status,
      {
        code: error['code'],
        message: error['message'],
        ...(typeof error['path'] === 'string' ? { path: error['path'] } : {}),
        ...(error['details'] === undefined ? {} : { details: error['details'] }),
        ...(typeof error['correlationId'] === 'string' ? { correlationId: error['correlationId'] } : {}),
      },
      retryAfterSec,
    );
  }
  return new ApiError(status, { code: codeForStatus(status), message: `the gateway answered ${status} without an error body` }, retryAfterSec);
}

function codeForStatus(status: number): string {
  if (status === 400) return 'INVALID_ARGUMENT';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'UNAVAILABLE';
  if (status === 504) return 'TIMEOUT';
  return 'INTERNAL';
}

/** No answer: the gateway could not be reached (connection refused, DNS, aborted by a timeout). */
export function unreachable(baseUrl: string, cause: unknown): ApiError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const error = new ApiError(0, { code: 'UNAVAILABLE', message: `the gateway at ${baseUrl} could not be reached: ${reason}` });
  return error;
}
