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
