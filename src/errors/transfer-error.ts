import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';

export interface TransferErrorLocation {
  readonly table: string;
  readonly column?: string;
  /** The SQLite rowid (or key) of the offending row, when one row is to blame. */
  readonly rowid?: string;
}

/** A table could not be copied: names the table, and the column and row when one value is to blame. */
export class TransferError extends DbopsError {
  readonly table: string;
  readonly column: string | undefined;
  readonly rowid: string | undefined;

  constructor(location: TransferErrorLocation, problem: string, fix: string, cause?: unknown) {
    super(`${describeLocation(location)}: ${problem} ${fix}`, { exitCode: ExitCode.failure, cause });
    this.table = location.table;
    this.column = location.column;
    this.rowid = location.rowid;
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
