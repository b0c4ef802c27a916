import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SqliteTable } from '../sqlite/sqlite-schema.ts';
import type { CopyBatch, EncodeCounts } from './copy-batches.ts';
import type { ValueProblem } from './encode-value.ts';
import type { RowColumn, RowOrder } from './table-rows.ts';

/** What encode-table-worker.ts posts, in order: ready, then batches and replacements, then done, problem or error. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'batch'; readonly bytes: Uint8Array; readonly rows: number }
  | { readonly type: 'replaced'; readonly columnIndex: number; readonly problem: ValueProblem; readonly row: string }
  | { readonly type: 'problem'; readonly columnIndex: number; readonly problem: ValueProblem; readonly row: string }
  | { readonly type: 'done'; readonly counts: EncodeCounts }
  | { readonly type: 'error'; readonly message: string };

export interface WorkerEncodeInput {
  /** The source file; the worker opens its own read-only connection to it. */
  readonly path: string;
  readonly table: SqliteTable;
  readonly columns: readonly RowColumn[];
  readonly order: RowOrder;
  readonly utf8: boolean;
  readonly replaceInvalid: boolean;
}

export interface WorkerEncodeEvents {
  readonly onReplace: (columnIndex: number, problem: ValueProblem, row: string) => void;
  /** Throws the error that stops the load. */
  readonly onProblem: (columnIndex: number, problem: ValueProblem, row: string) => never;
  readonly counts?: EncodeCounts;
}

/** Encoded batches waiting for the main thread: bounds memory at this many batches (about 4 MiB each). */
const maxInFlight = 4;

/**
 * A table's COPY batches encoded in a worker thread, so the main thread only digests and sends
 * them. Yields undefined first when no worker could start or open the file (the caller encodes
 * on its own connection instead); otherwise the batches, exactly as encodeTable builds them.
 *
 * Only for a file in rollback-journal mode: the caller's open read transaction then keeps every
 * writer from committing, so the worker's connection sees the caller's snapshot. (In WAL mode
 * a second connection could see newer rows.)
 */
export async function* encodeTableInWorker(input: WorkerEncodeInput, events: WorkerEncodeEvents): AsyncGenerator<CopyBatch | undefined> {
  const inFlight = new Int32Array(new SharedArrayBuffer(4));
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  const push = (message: WorkerMessage) => {
    queue.push(message);
    wake?.();
  };
  let worker: Worker;
  try {
    // The ESM entry: tsx's CommonJS one cannot register hooks from inside a worker.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    const script = new URL('./encode-table-worker.ts', import.meta.url).href;
    worker = new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); })`, {
      eval: true,
      workerData: { ...input, inFlight, maxInFlight },
    });
  } catch {
    yield undefined;
    return;
  }
  worker.on('message', push);
  worker.once('error', (error) => push({ type: 'error', message: error.message }));
  worker.once('exit', (code) => push({ type: 'error', message: `the encoder thread exited (code ${code})` }));
  const next = async (): Promise<WorkerMessage> => {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    return queue.shift() as WorkerMessage;
  };
  let ready = false;
  try {
    for (;;) {
      const message = await next();
      switch (message.type) {
        case 'ready':
          ready = true;
          break;
        case 'batch':
          Atomics.sub(inFlight, 0, 1);
          Atomics.notify(inFlight, 0);
          yield { bytes: Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength), rows: message.rows };
          break;
        case 'replaced':
          events.onReplace(message.columnIndex, message.problem, message.row);
          break;
        case 'problem':
          events.onProblem(message.columnIndex, message.problem, message.row);
          break;
        case 'done':
          if (events.counts) {
            events.counts.sqlRows += message.counts.sqlRows;
            events.counts.jsRows += message.counts.jsRows;
          }
          return;
        case 'error':
          if (!ready) {
            yield undefined;
            return;
          }
          throw new Error(`encoding in a worker thread failed: ${message.message}`);
      }
    }
  } finally {
    // Wake the worker if it waits for room, so it can be stopped.
    Atomics.store(inFlight, 0, -maxInFlight * 1024);
    Atomics.notify(inFlight, 0);
    await worker.terminate();
  }
}
