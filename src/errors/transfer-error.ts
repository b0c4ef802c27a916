import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';

export interface TransferErrorLocation {
  readonly table: string;
  readonly column?: string;
  /** The SQLite rowid (or key) of the offending row, when one row is to blame. */
  readonly rowid?: string;
}

/** Why a table could not be copied, as a value: where, what, and what the user can do about it. */
export interface TransferFailure extends TransferErrorLocation {
  /** What went wrong, as one or more sentences (the formatter adds nothing to them). */
  readonly problem: string;
  /** What to do about it, when the user can do something. */
  readonly fix?: string;
}

/** A table could not be copied: names the table, and the column and row when one value is to blame. */
export class TransferError extends DbopsError {
  readonly table: string;
  readonly column: string | undefined;
  readonly rowid: string | undefined;
  readonly problem: string;
  readonly fix: string | undefined;
  /** Other tables that failed in the same run (listed in its report). */
  readonly otherFailures: number;

  constructor(failure: TransferFailure, options: { readonly otherFailures?: number; readonly cause?: unknown } = {}) {
    super(formatTransferFailure(failure, options.otherFailures), { exitCode: ExitCode.failure, cause: options.cause });
    this.table = failure.table;
    this.column = failure.column;
    this.rowid = failure.rowid;
    this.problem = failure.problem;
    this.fix = failure.fix;
    this.otherFailures = options.otherFailures ?? 0;
  }
}

/** `table "t", column "c", rowid 7`: where a problem is, in the words of the source database. */
export function describeLocation(location: TransferErrorLocation): string {
  return [
    `table "${location.table}"`,
    location.column === undefined ? '' : `column "${location.column}"`,
    location.rowid === undefined ? '' : `rowid ${location.rowid}`,
  ]
    .filter(Boolean)
    .join(', ');
}

/** The one paragraph a user reads for a failed table: where, what, what to do, and how many others failed. */
export function formatTransferFailure(failure: TransferFailure, otherFailures = 0): string {
  const fix = failure.fix ? ` ${failure.fix}` : '';
  const others = otherFailures > 0 ? ` (${otherFailures} more failure(s) are listed above and in the report.)` : '';
  return `${describeLocation(failure)}: ${failure.problem}${fix}${others}`;
}
