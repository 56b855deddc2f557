import type { DataSource, QueryRunner } from 'typeorm';
import { AppError, ErrorCode } from '@af/errors';

/**
 * SQLSTATEs besides class 08 (connection exception) that mean "the database cannot serve right
 * now", not "this request is wrong": 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
 * cannot_connect_now, 53300 too_many_connections, 53400 configuration_limit_exceeded.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);
/** `statement_timeout` (and a cancelled lock wait): the database is overloaded; 503 + Retry-After. */
const STATEMENT_TIMEOUT = '57014';
/** Socket-level failures reported by `pg` / Node with an errno code instead of a SQLSTATE. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** `pg` messages for a connection lost without a code. */
const LOST_CONNECTION = /connection terminated|connection ended|terminating connection|client has encountered a connection error|not queryable|server closed the connection/i;

/**
 * Maps an error from PostgreSQL (TypeORM's QueryFailedError or a raw `pg` error) that means the
 * database is unreachable, restarting or overloaded to UNAVAILABLE (HTTP 503 + Retry-After,
 * nak with delay on JetStream); every other error is returned unchanged (a unique violation
 * stays a QueryFailedError its repository handles).
 */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const { kind, code, message } = classify(error);
  switch (kind) {
    case 'timeout':
      return new AppError(ErrorCode.Unavailable, `the database did not answer in time (statement timeout); retry shortly`, { cause: error });
    case 'lost':
      return new AppError(ErrorCode.Unavailable, `the database is unavailable (${code ? `${code}: ` : ''}${message}); retry shortly`, { cause: error });
    case 'other':
      return error;
  }
}

/** Whether the error means the session's connection is gone (it must not go back to the pool). */
export function isConnectionLost(error: unknown): boolean {
  return classify(error instanceof AppError && error.cause !== undefined ? error.cause : error).kind === 'lost';
}

function classify(error: unknown): { kind: 'timeout' | 'lost' | 'other'; code: string; message: string } {
  const driver = (error as { driverError?: unknown } | null)?.driverError ?? error;
  const code = typeof (driver as { code?: unknown } | null)?.code === 'string' ? (driver as { code: string }).code : '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === STATEMENT_TIMEOUT) return { kind: 'timeout', code, message };
  const lost = code.startsWith('08') || UNAVAILABLE_STATES.has(code) || SOCKET_CODES.has(code) || (!code && LOST_CONNECTION.test(message));
  return { kind: lost ? 'lost' : 'other', code, message };
}

/**
 * Every query of the data source (DataSource.query, repositories, query builders, transactions:
 * they all run on a query runner) has its errors translated by {@link translateDatabaseError}.
 * Installed once per data source by `openDataSource`, so every service's repositories get it.
 */
export function translateErrorsOf(dataSource: DataSource): void {
  const driver = dataSource.driver as unknown as { createQueryRunner(mode: 'master' | 'slave'): QueryRunner };
  const create = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => {
    const runner = create(mode) as QueryRunner & { releasePostgresConnection?: (error?: unknown) => Promise<void> };
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    const connect = runner.connect.bind(runner) as () => Promise<unknown>;
    (runner as unknown as { query: typeof query }).query = (...args) =>
      query(...args).catch(async (error: unknown) => {
        // A session the server ended (restart, admin_shutdown) may not have closed its socket yet:
        // handing it back to the pool would fail the next query too. Release it with the error: pg discards it.
        if (isConnectionLost(error)) await runner.releasePostgresConnection?.(error);
        throw translateDatabaseError(error);
      });
    (runner as unknown as { connect: typeof connect }).connect = () =>
      connect().catch((error: unknown) => {
        throw translateDatabaseError(error);
      });
    return runner;
  };
}
