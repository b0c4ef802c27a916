import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';

/** An archive or a restored database did not pass its check (exit code 8). Nothing was replaced. */
export class VerificationError extends DbopsError {
  readonly differences: readonly string[];

  constructor(message: string, differences: readonly string[] = [], cause?: unknown) {
    const listed = differences.slice(0, 12).map((line) => `  ${line}`).join('\n');
    const more = differences.length > 12 ? `\n  ... and ${differences.length - 12} more` : '';
    super(differences.length > 0 ? `${message}\n${listed}${more}` : message, { exitCode: ExitCode.verification, cause });
    this.differences = differences;
  }
}

/**
 * A restore failed and was rolled back. Says what failed, then what state the databases and the
 * api are in now; keeps the exit code of the failure itself.
 */
export class RestoreFailedError extends DbopsError {
  constructor(cause: unknown, recovery: string) {
    const what = cause instanceof Error ? cause.message : String(cause);
    super(`Restore failed: ${what}\n${recovery}`, { exitCode: cause instanceof DbopsError ? cause.exitCode : ExitCode.failure, cause });
  }
}
