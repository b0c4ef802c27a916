import { DbopsError } from '../errors/dbops-error.ts';

/** A step of migrate or rollback failed. Names the step, keeps the cause's exit code, adds the guide's hint. */
export class MigrationStepError extends DbopsError {
  readonly step: string;
  readonly hint: string;

  constructor(step: string, cause: unknown, hint: string) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Step "${step}" failed: ${reason}\nTroubleshooting: ${hint}`, {
      exitCode: cause instanceof DbopsError ? cause.exitCode : undefined,
      cause,
    });
    this.step = step;
    this.hint = hint;
  }
}
