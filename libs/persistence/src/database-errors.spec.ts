import { describe, expect, it } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { AppError, ErrorCode } from '@af/errors';
import { translateDatabaseError } from './database-errors.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const failed = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe(translateDatabaseError.name, () => {
  it.each([
    ['08006', 'connection failure'],
    ['08001', 'sqlclient unable to establish sqlconnection'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is starting up'],
    ['53300', 'sorry, too many clients already'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
    ['ECONNRESET', 'read ECONNRESET'],
  ])('maps %s (%s) to UNAVAILABLE, wrapped by TypeORM or raw', (code, message) => {
    for (const error of [failed(pgError(code, message)), pgError(code, message)]) {
      const sut = translateDatabaseError(error);
      expect(sut).toBeInstanceOf(AppError);
      expect(sut).toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringContaining(message) });
      expect((sut as AppError).cause).toBe(error);
    }
  });

  it('maps a statement timeout (57014) to UNAVAILABLE, so the client gets 503 + Retry-After', () => {
    expect(translateDatabaseError(failed(pgError('57014', 'canceling statement due to statement timeout')))).toMatchObject({
      code: ErrorCode.Unavailable,
      message: expect.stringMatching(/statement timeout/),
    });
  });

  it('maps a connection lost without a code (pg "Connection terminated unexpectedly")', () => {
    expect(translateDatabaseError(failed(new Error('Connection terminated unexpectedly')))).toMatchObject({ code: ErrorCode.Unavailable });
  });

  it('leaves request errors alone: a unique violation stays the QueryFailedError its repository handles', () => {
    const unique = failed(pgError('23505', 'duplicate key value violates unique constraint'));
    expect(translateDatabaseError(unique)).toBe(unique);
    const syntax = failed(pgError('42601', 'syntax error'));
    expect(translateDatabaseError(syntax)).toBe(syntax);
  });

  it('keeps an AppError as it is', () => {
    const error = new AppError(ErrorCode.NotFound, 'run r was not found');
    expect(translateDatabaseError(error)).toBe(error);
  });
});
