import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { formatTransferFailure } from '../errors/transfer-error.ts';
import type { PostgresConnection } from '../postgres/postgres-connection.ts';
import { qualifiedName, quoteIdentifier } from '../postgres/quote-identifier.ts';
import type { SqliteDatabase } from '../sqlite/sqlite-database.ts';
import type { SqliteTable } from '../sqlite/sqlite-schema.ts';
import { encodeTable, type CopyBatch, type EncodeCounts } from './copy-batches.ts';
import { encodeTableInWorker, type EncoderThread } from './encode-in-worker.ts';
import type { ValueProblem } from './encode-value.ts';
import { TableDigest } from './table-digest.ts';
import { describeKey, type RowColumn, type RowOrder } from './table-rows.ts';

/** A row changed under --invalid-text replace. */
export interface ReplacedValue {
  readonly table: string;
  readonly column: string;
  readonly row: string;
  readonly problem: string;
}

/** A value stopped the load of a table: the caller widens the column, or reports the table as failed. */
export class ValueProblemError extends Error {
  constructor(
    readonly table: string,
    readonly columnIndex: number,
    readonly column: string,
    readonly row: string,
    readonly problem: ValueProblem,
  ) {
    super(formatTransferFailure({ table, column, rowid: row, problem: describeProblem(problem) }));
  }
}

export function describeProblem(problem: ValueProblem): string {
  if (problem.type === 'nul') return 'text holds a NUL byte, which PostgreSQL text cannot store';
  if (problem.type === 'utf8') return 'text is not valid UTF-8, which PostgreSQL text cannot store';
  return problem.reason;
}

export interface LoadTableInput {
  readonly db: SqliteDatabase;
  readonly connection: PostgresConnection;
  readonly schema: string;
  readonly table: SqliteTable;
  readonly target: string;
  readonly columns: readonly RowColumn[];
  readonly order: RowOrder;
  readonly utf8: boolean;
  readonly replaceInvalid: boolean;
  /** Planned from declared types alone: NotAsDeclaredError when a value breaks their promise (see EncodeTableInput.assumed). */
  readonly assumed: boolean;
  /** Awaited before COMMIT: a rejection rolls the table back (the source check, see TransferState.sourceCheck). */
  readonly beforeCommit?: () => Promise<void>;
  /** Called after each batch: throws to stop the load (it rolls back). */
  readonly stopIf?: () => void;
  readonly onRows: (rowsDone: number) => void;
  /**
   * Encode in a worker thread on its own connection to this file. Only for a rollback-journal file
   * whose read transaction `db` holds, so both connections see one snapshot (see encode-in-worker.ts).
   */
  readonly workerPath?: string;
  /** A thread started early for that (one is started now otherwise). */
  readonly encoderThread?: EncoderThread;
  /** Filled with how many rows each encoder wrote (tests). */
  readonly counts?: EncodeCounts;
  /** The compiled copy-rows.c, when built (see EncodeTableInput.extension). */
  readonly extension?: string | undefined;
}

export interface LoadTableResult {
  readonly rows: number;
  readonly digest: string;
  readonly replaced: ReplacedValue[];
  readonly encodedIn: 'worker thread' | 'main thread';
}

const inFlightBytes = 16 << 20;

/**
 * Streams one table into PostgreSQL with COPY inside one transaction (TRUNCATE first, so COPY can
 * FREEZE the rows and a failed load leaves the table empty). Waits for the server whenever its
 * buffer is full, so memory stays at one encoded batch (see encodeTable) plus what the socket holds.
 * Computes the table's digest over exactly the bytes sent.
 */
export async function loadTable(input: LoadTableInput): Promise<LoadTableResult> {
  const { connection, table, columns, order } = input;
  const qualified = qualifiedName(input.schema, input.target);
  const digest = new TableDigest(order.ordered);
  const replaced: ReplacedValue[] = [];
  const replace = (columnIndex: number, problem: ValueProblem, row: string) => {
    if (replaced.length < 100_000) replaced.push({ table: table.name, column: columns[columnIndex]?.source ?? '', row, problem: describeProblem(problem) });
  };
  const stop = (columnIndex: number, problem: ValueProblem, row: string): never => {
    throw new ValueProblemError(table.name, columnIndex, (columns[columnIndex] as RowColumn).source, row, problem);
  };
  let copy: Writable | undefined;
  let done: Promise<void> | undefined;
  await connection.query('BEGIN');
  try {
    // Every table is verified after the load, so waiting for the WAL flush at COMMIT buys nothing.
    await connection.query('SET LOCAL synchronous_commit = off');
    await connection.query(`TRUNCATE ${qualified}`);
    copy = connection.copyFrom(`COPY ${qualified} (${columns.map((c) => quoteIdentifier(c.target)).join(', ')}) FROM STDIN (FREEZE)`);
    done = finished(copy);
    // Keep the rejection handled until it is awaited below.
    done.catch(() => undefined);
    let reported = 0;
    // What to encode, the same on this thread and in the worker.
    const encoding = { table, columns, order, utf8: input.utf8, replaceInvalid: input.replaceInvalid, assumed: input.assumed };
    const here = () =>
      takingTurns(
        encodeTable({
          db: input.db,
          ...encoding,
          ...(input.extension ? { extension: input.extension } : {}),
          onReplace: (i, p, row) => replace(i, p, describeKey(order, row)),
          onProblem: (problem, row) => stop(problem.columnIndex, problem.problem, describeKey(order, row)),
          ...(input.counts ? { counts: input.counts } : {}),
        }),
      );
    const where = { inWorker: input.workerPath !== undefined };
    const batches = input.workerPath
      ? inWorkerOrHere(
          where,
          encodeTableInWorker(
            { path: input.workerPath, ...encoding, extension: input.extension },
            { onReplace: replace, onProblem: stop, ...(input.counts ? { counts: input.counts } : {}) },
            input.encoderThread,
          ),
          here,
        )
      : here();
    for await (const batch of batches) {
      digest.addBatch(batch.bytes, batch.rows);
      input.stopIf?.();
      // Up to a few batches wait in the stream, so the server always has rows to parse while the
      // next batch is built; beyond that, wait (backpressure keeps memory at inFlightBytes + one batch).
      copy.write(batch.bytes);
      if (copy.writableLength > inFlightBytes) await once(copy, 'drain');
      if (digest.rows - reported >= 50_000) {
        reported = digest.rows;
        input.onRows(digest.rows);
      }
    }
    copy.end();
    await done;
    copy = undefined;
    await input.beforeCommit?.();
    await connection.query('COMMIT');
    input.onRows(digest.rows);
    return { rows: digest.rows, digest: digest.value(), replaced, encodedIn: where.inWorker ? 'worker thread' : 'main thread' };
  } catch (error) {
    if (copy) {
      // Abandon the COPY (the server gets CopyFail) so the connection can roll back.
      copy.destroy(error instanceof Error ? error : new Error(String(error)));
      await done?.catch(() => undefined);
    }
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The worker's batches, or this thread's when no worker could start (noted in `where`). */
async function* inWorkerOrHere(
  where: { inWorker: boolean },
  worker: AsyncGenerator<CopyBatch | undefined>,
  here: () => AsyncIterable<CopyBatch>,
): AsyncGenerator<CopyBatch> {
  for await (const batch of worker) {
    if (batch === undefined) {
      where.inWorker = false;
      yield* here();
      return;
    }
    yield batch;
  }
}

/**
 * Batches encoded on this thread, with a turn of the event loop after each: otherwise the loop
 * over them runs on microtasks alone, and the batches another table's worker posts wait until
 * this table is done.
 */
async function* takingTurns(batches: Iterable<CopyBatch>): AsyncGenerator<CopyBatch> {
  for (const batch of batches) {
    yield batch;
    await nextTurn();
  }
}
