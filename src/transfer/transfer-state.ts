import { formatTransferFailure, type TransferFailure } from '../errors/transfer-error.ts';
import type { PostgresConnection } from '../postgres/postgres-connection.ts';
import type { SqliteDatabase } from '../sqlite/sqlite-database.ts';
import type { SqliteSchema } from '../sqlite/sqlite-schema.ts';
import type { EncoderThread } from './encode-in-worker.ts';
import type { RowColumn, RowOrder } from './table-rows.ts';
import type { ResolvedTransferOptions } from './transfer-options.ts';
import type { PlannedTable, SchemaStep, TableStats, TransferPlan } from './transfer-plan.ts';
import type { FailureReport, TableReport, TransferReport } from './transfer-report.ts';

/** One table's progress through the phases. */
export interface TableState {
  /** The table as planned now: a widening replaces it with a new planned table (the plan itself is frozen). */
  plan: PlannedTable;
  readonly report: TableReport;
  /** The columns as the target table has them (bound from PostgreSQL, or as planned when dbops re-created it). */
  columns: readonly RowColumn[];
  order: RowOrder;
  /** Created by this run: dbops may drop and re-create it to widen a column. */
  readonly createdHere: boolean;
  /** Existed before this run (resume keeps it). */
  readonly existed: boolean;
  /**
   * CHECK constraints in place for the load (added to a new table before it), so COPY checks every
   * row and no scan is needed after it; a row that breaks one drops them all, and the finishing
   * phase adds them NOT VALID instead.
   */
  checksOnLoad: readonly SchemaStep[];
}

/**
 * What the phases of one transfer or verification share: the source snapshot, the plan, the
 * PostgreSQL connections, each table's state and the report. Opened by openTransfer, released by
 * releaseTransfer; each phase reads it and records into it.
 */
export interface TransferState {
  readonly command: 'transfer' | 'verify';
  readonly options: ResolvedTransferOptions;
  readonly report: TransferReport;
  readonly db: SqliteDatabase;
  readonly schema: SqliteSchema;
  /** As planned before the load (never changed: see TableState.plan). */
  readonly plan: TransferPlan;
  /** Per SQLite table; replaced for a table the load had to plan from its values after all. */
  readonly stats: Map<string, TableStats>;
  /** The tables planned from their declared types (see assumedStats). */
  readonly assumed: ReadonlySet<string>;
  readonly connections: readonly PostgresConnection[];
  readonly now: () => number;
  readonly started: number;
  /** Filled by the create (transfer) or read (verify) phase, in plan order. */
  readonly tables: TableState[];
  /** The source file, when a worker thread may encode from it on a second connection (see encode-in-worker.ts). */
  readonly workerSource: string | undefined;
  /** The compiled copy-rows.c (undefined when not built: the report says so). */
  readonly copyRows: string | undefined;
  /**
   * PRAGMA quick_check's verdict on the source. A transfer does not wait for it to start loading:
   * every load waits for it before COMMIT, and nothing stays in PostgreSQL when it fails.
   */
  readonly sourceCheck: Promise<void>;
  /** Its error, once it failed: loads stop at their next batch. */
  sourceDamage: unknown;
  /** The thread started early to encode the largest table; taken by one load, stopped at the end either way. */
  spareEncoder: EncoderThread | undefined;
  spareEncoderTaken: boolean;
}

interface PgError {
  readonly code?: string;
  readonly message: string;
}

/** The fields of a PostgreSQL error that decide what happens next. */
export const pgError = (error: unknown): PgError =>
  typeof error === 'object' && error !== null && 'message' in error ? (error as PgError) : { message: String(error) };

/** Text in a UTF-8 source can go to PostgreSQL as its bytes (see EncodeTableInput.utf8). */
export const utf8Source = (schema: SqliteSchema) => schema.encoding.toUpperCase() === 'UTF-8';

/** The connection for statements that run one at a time (DDL, catalogue reads). */
export const mainConnection = (state: TransferState): PostgresConnection => state.connections[0] as PostgresConnection;

/** A transfer verifies as it goes (while other tables load, beside the index builds) unless --no-verify. */
export const verifiesTransfer = (state: TransferState): boolean => state.options.verify && state.command === 'transfer';

/** The tables whose data is in PostgreSQL: loaded now, or before (resume, verify). */
export const verifiable = (state: TransferState): TableState[] =>
  state.tables.filter((s) => s.report.status === 'loaded' || s.report.status === 'already complete');

/** Marks a table failed and records why, formatted once for the report. */
export function failTable(state: TransferState, table: TableState, failure: TransferFailure): void {
  table.report.status = 'failed';
  const report: FailureReport = {
    table: failure.table,
    ...(failure.column === undefined ? {} : { column: failure.column }),
    ...(failure.rowid === undefined ? {} : { row: failure.rowid }),
    problem: failure.problem,
    ...(failure.fix === undefined ? {} : { fix: failure.fix }),
    message: formatTransferFailure(failure),
  };
  state.report.failures.push(report);
}

/** Runs `run` for every item, one connection each, as many at once as there are connections. */
export async function runPool<T>(state: TransferState, items: readonly T[], run: (connection: PostgresConnection, item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    state.connections.map(async (connection) => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await run(connection, item);
    }),
  );
}

/** The early-started encoder thread, for the one load that uses it. */
export function takeSpareEncoder(state: TransferState): { encoderThread?: EncoderThread } {
  if (state.spareEncoderTaken || !state.spareEncoder) return {};
  state.spareEncoderTaken = true;
  return { encoderThread: state.spareEncoder };
}

/** Releases the snapshot, the connections and the spare thread (after success or failure alike). */
export async function releaseTransfer(state: TransferState): Promise<void> {
  await state.spareEncoder?.stop();
  try {
    state.db.close();
  } catch {
    // already closed
  }
  await Promise.all(state.connections.map((c) => c.close().catch(() => undefined)));
}
