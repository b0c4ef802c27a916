import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';

/** One thing that differs: the table (or other object) when one is to blame, and how it differs. */
export interface Difference {
  readonly table?: string;
  /** e.g. "SQLite has 10 rows, PostgreSQL 9" or "first differing row: id=7". */
  readonly detail: string;
}

/** A difference found by comparing one table on both sides of a transfer. */
export interface TableMismatch extends Difference {
  readonly table: string;
}

/** What a failed check found, as a value: formatted once, by formatVerificationFailure. */
export interface VerificationFailure {
  /** The check and its verdict, one sentence, e.g. "The restored database x does not hold what the archive holds." */
  readonly what: string;
  readonly differences: readonly Difference[];
  /** What to do about it, when it is not part of `what`. */
  readonly fix?: string;
}

/** Differences listed in a message; the rest are counted (the reports list them all). */
const listedDifferences = 12;

/**
 * A copy, an archive or a restored database did not pass its check (exit code 8): transfer and
 * verify (PostgreSQL against SQLite), backup and restore (an archive against its manifest or the
 * database it was restored into).
 */
export class VerificationError extends DbopsError {
  readonly what: string;
  readonly differences: readonly Difference[];
  readonly fix: string | undefined;

  /** `differences` as structured values, or as one line each. */
  constructor(what: string, differences: readonly (Difference | string)[] = [], options: { readonly fix?: string; readonly cause?: unknown } = {}) {
    const failure: VerificationFailure = {
      what,
      differences: differences.map((d) => (typeof d === 'string' ? { detail: d } : d)),
      ...(options.fix === undefined ? {} : { fix: options.fix }),
    };
    super(formatVerificationFailure(failure), { exitCode: ExitCode.verification, cause: options.cause });
    this.what = failure.what;
    this.differences = failure.differences;
    this.fix = failure.fix;
  }
}

/** The message for a failed check: the verdict, up to twelve differences one per line, then what to do. */
export function formatVerificationFailure(failure: VerificationFailure): string {
  const listed = failure.differences.slice(0, listedDifferences).map((d) => `  ${d.table === undefined ? '' : `${d.table}: `}${d.detail}`);
  const more = failure.differences.length > listedDifferences ? [`  ... and ${failure.differences.length - listedDifferences} more`] : [];
  return [failure.what, ...listed, ...more, ...(failure.fix ? [failure.fix] : [])].join('\n');
}
