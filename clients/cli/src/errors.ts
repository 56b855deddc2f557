import { ApiError } from '@af/api-client';

/**
 * Exit codes (sysexits-style where one fits): 0 done, 1 the API refused or the outcome is a failure
 * (invalid blueprint, failed run, rolled-back deployment), 2 a wait timed out, 64 the command line is
 * wrong, 69 the gateway could not be reached, 78 no usable configuration (not logged in).
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Timeout: 2,
  Usage: 64,
  Unavailable: 69,
  Config: 78,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error of the CLI itself (not of the API): a code, a message, the offending flag or field, an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = ExitCode.Failure,
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static usage(message: string, path?: string): CliError {
    return new CliError('USAGE', message, ExitCode.Usage, path);
  }

  describe(): string {
    return `${this.code}: ${this.message}${this.path ? ` (at ${this.path})` : ''}`;
  }
}

/**
 * A command's outcome that is not an error of the CLI or the API but still ends with a non-zero
 * exit (a failed run, a rolled-back deployment, an invalid blueprint): its report was printed already.
 */
export class OutcomeExit extends Error {
  override readonly name = 'OutcomeExit';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

/** The one line printed on stderr for an error, and the exit code it ends with. */
export function describeError(error: unknown): { line: string; exitCode: ExitCode } {
  if (error instanceof ApiError) {
    const exitCode = error.status === 0 ? ExitCode.Unavailable : ExitCode.Failure;
    return { line: `error: ${error.describe()}`, exitCode };
  }
  if (error instanceof CliError) return { line: `error: ${error.describe()}`, exitCode: error.exitCode };
  if (error instanceof OutcomeExit) return { line: '', exitCode: error.exitCode };
  const message = error instanceof Error ? error.message : String(error);
  return { line: `error: INTERNAL: ${message}`, exitCode: ExitCode.Failure };
}
