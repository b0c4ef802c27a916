import { ExitCode, type ExitCodeValue } from './exit-codes.ts';

/**
 * Base of every error dbops raises on purpose. `message` is the one paragraph a user reads:
 * what failed, where, and what to do. The CLI prints it without a stack unless --debug.
 */
export class DbopsError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(message: string, options: { exitCode?: ExitCodeValue; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? ExitCode.failure;
  }
}
