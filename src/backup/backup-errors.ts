import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';

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
