import { AppError, ErrorCode, isAppError } from '@af/errors';

/**
 * An INVALID_DOCUMENT error is always about the document sent; when the service named no
 * narrower place, the path is the document root, `""`. Callers then always get `code`,
 * `message` and `path`.
 */
export async function withDocumentPath<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isAppError(error) && error.code === ErrorCode.InvalidDocument && error.path === undefined) {
      throw new AppError(error.code, error.message, { path: '', details: error.details, cause: error });
    }
    throw error;
  }
}
