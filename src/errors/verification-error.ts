import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';

export interface TableMismatch {
  readonly table: string;
  /** What differs, e.g. "SQLite has 10 rows, PostgreSQL 9" or "first differing row: id=7". */
  readonly detail: string;
}

/** The copy in PostgreSQL is not equal to the SQLite source. Lists every table that differs. */
export class VerificationError extends DbopsError {
  readonly mismatches: readonly TableMismatch[];

  constructor(mismatches: readonly TableMismatch[], fix: string) {
    const list = mismatches.map((m) => `  ${m.table}: ${m.detail}`).join('\n');
    super(`Verification failed: ${mismatches.length} table(s) in PostgreSQL differ from the SQLite source:\n${list}\n${fix}`, {
      exitCode: ExitCode.verification,
    });
    this.mismatches = mismatches;
  }
}
