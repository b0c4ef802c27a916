import { parentPort } from 'node:worker_threads';
import { openSqlite } from '../sqlite/sqlite-database.ts';
import { encodeTable, NotAsDeclaredError, type EncodeCounts } from './copy-batches.ts';
import { describeKey } from './table-rows.ts';
import type { WorkerEncodeJob, WorkerMessage } from './encode-in-worker.ts';

/**
 * Runs in a worker thread (see encode-in-worker.ts): waits for its one job, then encodes that
 * table's COPY batches on its own read-only connection and posts them to the main thread, at
 * most `maxInFlight` unconsumed.
 */

/** Thrown after a value problem was posted: stops the encoder, the main thread reports it. */
class Posted extends Error {}

const port = parentPort;
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port?.postMessage(message, transfer);

function encode(job: WorkerEncodeJob): void {
  try {
    const db = openSqlite(job.path, { readonly: true, mustExist: true });
    try {
      // No waiting: a writer about to commit holds the lock we need, and then the main thread encodes instead.
      db.exec('PRAGMA busy_timeout = 0');
      db.exec('BEGIN');
      db.get('SELECT count(*) AS n FROM sqlite_schema');
      post({ type: 'ready' });
      const counts: EncodeCounts = { sqlRows: 0, jsRows: 0 };
      const batches = encodeTable({
        db,
        table: job.table,
        columns: job.columns,
        order: job.order,
        utf8: job.utf8,
        replaceInvalid: job.replaceInvalid,
        assumed: job.assumed,
        ...(job.extension ? { extension: job.extension } : {}),
        counts,
        onReplace: (columnIndex, problem, row) => post({ type: 'replaced', columnIndex, problem, row: describeKey(job.order, row) }),
        onProblem: (problem, row) => {
          post({ type: 'problem', columnIndex: problem.columnIndex, problem: problem.problem, row: describeKey(job.order, row) });
          throw new Posted();
        },
      });
      for (const batch of batches) {
        for (let n = Atomics.load(job.inFlight, 0); n >= job.maxInFlight; n = Atomics.load(job.inFlight, 0)) Atomics.wait(job.inFlight, 0, n);
        Atomics.add(job.inFlight, 0, 1);
        const { bytes } = batch;
        // Batches own their memory (a writer's chunk, or SQLite's blob), which then moves without a
        // copy; only a small Buffer from Node's shared pool is copied.
        const owned = bytes.buffer instanceof ArrayBuffer && bytes.buffer.byteLength > Buffer.poolSize;
        const sent = owned ? bytes : Uint8Array.prototype.slice.call(bytes);
        post({ type: 'batch', bytes: sent, rows: batch.rows }, [sent.buffer as ArrayBuffer]);
      }
      post({ type: 'done', counts });
    } finally {
      db.close();
    }
  } catch (error) {
    if (error instanceof NotAsDeclaredError) post({ type: 'not as declared' });
    else if (!(error instanceof Posted)) post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

port?.once('message', encode);
