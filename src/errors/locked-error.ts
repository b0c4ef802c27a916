import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';

/** Another dbops run holds the lock this one needs. */
export class LockedError extends DbopsError {
  readonly lockFile: string;

  constructor(lockFile: string, holder: string, what: string) {
    super(
      `Another dbops run holds the lock for ${what} (${holder}; lock file ${lockFile}). Wait for it to finish. ` +
        'If no dbops process is running any more, remove the lock file and run again.',
      { exitCode: ExitCode.locked },
    );
    this.lockFile = lockFile;
  }
}
