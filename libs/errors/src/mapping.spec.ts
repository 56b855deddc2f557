import { describe, expect, it } from '@jest/globals';
import { AppError, ErrorCode, dispositionOf, httpStatusOf, toAppError } from './index.js';

describe('error mapping', () => {
  it('gives every code an HTTP status in the 4xx/5xx range', () => {
    for (const code of Object.values(ErrorCode)) {
      const status = httpStatusOf(code);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });

  it('maps user errors to 4xx and infrastructure errors to 5xx', () => {
    expect(httpStatusOf(ErrorCode.ValidationFailed)).toBe(422);
    expect(httpStatusOf(ErrorCode.NotFound)).toBe(404);
    expect(httpStatusOf(ErrorCode.Conflict)).toBe(409);
    expect(httpStatusOf(ErrorCode.Unavailable)).toBe(503);
    expect(httpStatusOf(ErrorCode.ResourceExhausted)).toBe(429);
    expect(dispositionOf(ErrorCode.ResourceExhausted, 1)).toEqual({ kind: 'nak', delayMs: 500 });
    expect(httpStatusOf(ErrorCode.IdempotencyKeyReused)).toBe(422);
    expect(dispositionOf(ErrorCode.IdempotencyKeyReused, 1)).toEqual({ kind: 'term', reason: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('retries transient failures with a growing, capped delay and terminates permanent ones', () => {
    expect(dispositionOf(ErrorCode.Unavailable, 1)).toEqual({ kind: 'nak', delayMs: 500 });
    expect(dispositionOf(ErrorCode.Unavailable, 3)).toEqual({ kind: 'nak', delayMs: 2000 });
    expect(dispositionOf(ErrorCode.Timeout, 50)).toEqual({ kind: 'nak', delayMs: 30_000 });
    expect(dispositionOf(ErrorCode.InvalidDocument, 1)).toEqual({ kind: 'term', reason: 'INVALID_DOCUMENT' });
  });

  it('round-trips an error over the wire and hides unknown errors as INTERNAL', () => {
    const wire = AppError.fromWire('NOT_FOUND', 'run r1 was not found', '/runId', '{"a":1}');
    expect(wire).toMatchObject({ code: ErrorCode.NotFound, path: '/runId', details: { a: 1 } });
    expect(AppError.fromWire('WHAT', 'x', '', 'not json')).toMatchObject({ code: ErrorCode.Internal, details: undefined });
    expect(AppError.fromWire('INVALID_DOCUMENT', 'not YAML', '', '').path).toBe('');
    expect(AppError.fromWire('NOT_FOUND', 'gone', undefined, '').path).toBeUndefined();
    const hidden = toAppError(new Error('password=secret'));
    expect(hidden.code).toBe(ErrorCode.Internal);
    expect(hidden.message).toBe('internal error');
  });
});
