import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';

/** A file or argument the user gave cannot be used. The message names it and says what to do. */
export class InputError extends DbopsError {
  constructor(message: string, cause?: unknown) {
    super(message, { exitCode: ExitCode.input, cause });
  }
}
