export { ErrorCode, isErrorCode } from './error-code.js';
export { AppError, isAppError, toAppError, type AppErrorOptions } from './app-error.js';
export { httpStatusOf, dispositionOf, assertUnreachable, type Disposition } from './mapping.js';
export { jsonSyntaxReason } from './json-reason.js';
