import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.ts';
import { RunFailedError } from '../errors/run-failed-error.ts';

export interface ErrorReport {
  readonly message: string;
  readonly exitCode: ExitCodeValue;
}

/**
 * What the CLI prints for an error: our errors' paragraph as it is; anything else marked
 * unexpected. A failed run prints its failure first, then, on its own line, what recovery did.
 */
export function describeError(error: unknown, debug: boolean): ErrorReport {
  if (error instanceof RunFailedError) {
    const failure = describeError(error.cause, debug);
    return { message: `${failure.message}\n${error.recovery}`, exitCode: error.exitCode };
  }
  if (error instanceof DbopsError) {
    const cause = debug && error.cause instanceof Error ? `\nCaused by: ${error.cause.stack ?? error.cause.message}` : '';
    return { message: `dbops: ${error.message}${debug ? `\n${error.stack ?? ''}${cause}` : ''}`, exitCode: error.exitCode };
  }
  const text = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  return {
    message: `dbops: unexpected error: ${text}${debug ? '' : '\nRun again with --debug for the stack trace, and report it if it persists.'}`,
    exitCode: ExitCode.failure,
  };
}
