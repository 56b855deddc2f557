import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { AppError, ErrorCode, httpStatusOf, jsonSyntaxReason, toAppError } from '@af/errors';
import { RequestContext, currentTraceId, type Logger } from '@af/observability';

interface Reply {
  code(status: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

/** The HTTP error body, the same for every route: `{error: {code, message, path?, details?}}`. */
export function errorBody(error: AppError) {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.path !== undefined ? { path: error.path } : {}),
      ...(error.details !== undefined ? { details: error.details } : {}),
      correlationId: RequestContext.current()?.correlationId,
      traceId: currentTraceId(),
    },
  };
}

function fromHttpException(exception: HttpException): AppError {
  const status = exception.getStatus();
  const code =
    status === 404
      ? ErrorCode.NotFound
      : status === 413
        ? ErrorCode.PayloadTooLarge
        : status === 415
          ? ErrorCode.UnsupportedMediaType
          : status === 401
            ? ErrorCode.Unauthenticated
            : status === 403
              ? ErrorCode.PermissionDenied
              : status < 500
                ? ErrorCode.InvalidArgument
                : ErrorCode.Internal;
  return new AppError(code, exception.message);
}

/** Fastify's own errors (body too large, bad JSON, wrong content type) carry a statusCode. */
function fromFrameworkError(exception: unknown): AppError | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { statusCode, code, message } = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof statusCode !== 'number' || statusCode >= 500) return undefined;
  const text = typeof message === 'string' ? message : 'bad request';
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(ErrorCode.PayloadTooLarge, `request body is larger than the limit: ${text}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(ErrorCode.UnsupportedMediaType, text);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      // Fastify's message carries V8's, which quotes the body: never echoed (it may hold a secret).
      return new AppError(ErrorCode.InvalidDocument, `request body is not valid JSON: ${jsonSyntaxReason(text)}`, { path: '' });
    default:
      return new AppError(statusCode === 413 ? ErrorCode.PayloadTooLarge : ErrorCode.InvalidArgument, text);
  }
}

/**
 * HTTP: maps every error to its status by code; unknown errors become a 500 without leaking
 * internals. RPC: hands the original error back to the NATS transport (Nest's default would
 * flatten it into "Internal server error"), which maps its code to a reply or an ack.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly retryAfterSec = 1,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() !== 'http') return throwError(() => exception);
    const appError =
      exception instanceof AppError
        ? exception
        : exception instanceof HttpException
          ? fromHttpException(exception)
          : (fromFrameworkError(exception) ?? toAppError(exception));
    const status = httpStatusOf(appError.code);
    if (status >= 500) this.logger.error({ err: exception, code: appError.code }, 'request failed');
    else this.logger.info({ code: appError.code, path: appError.path }, appError.message);
    const reply = host.switchToHttp().getResponse<Reply>().code(status).header('content-type', 'application/json; charset=utf-8');
    // A busy or unreachable dependency is worth retrying: say when.
    if (appError.code === ErrorCode.Unavailable || appError.code === ErrorCode.ResourceExhausted) reply.header('retry-after', String(this.retryAfterSec));
    reply.send(errorBody(appError));
  }
}
