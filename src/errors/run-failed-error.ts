import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';

/**
 * A run that changes a stack failed and recover() ran. The failure and the recovery stay separate
 * fields (the failure is `cause`), so the run record and the CLI each format them their own way;
 * the message is the failure's alone. Keeps the failure's exit code.
 */
export class RunFailedError extends DbopsError {
  /** The step that was running (or had just finished) when the run failed; undefined before the first. */
  readonly step: string | undefined;
  /** One or more sentences on the state recover() left things in, or on why it could not. */
  readonly recovery: string;

  constructor(failure: unknown, step: string | undefined, recovery: string) {
    super(failure instanceof Error ? failure.message : String(failure), {
      exitCode: failure instanceof DbopsError ? failure.exitCode : ExitCode.failure,
      cause: failure,
    });
    this.step = step;
    this.recovery = recovery;
  }
}
