import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '../common/typescript-worker.ts';
import type { SqliteTable } from '../sqlite/sqlite-schema.ts';
import { NotAsDeclaredError, type CopyBatch, type EncodeCounts } from './copy-batches.ts';
import type { ValueProblem } from './encode-value.ts';
import type { RowColumn, RowOrder } from './table-rows.ts';

/** What encode-table-worker.ts posts, in order: ready, then batches and replacements, then done, problem or error. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'batch'; readonly bytes: Uint8Array; readonly rows: number }
  | { readonly type: 'replaced'; readonly columnIndex: number; readonly problem: ValueProblem; readonly row: string }
  | { readonly type: 'problem'; readonly columnIndex: number; readonly problem: ValueProblem; readonly row: string }
  | { readonly type: 'not as declared' }
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
  readonly assumed: boolean;
  /** The compiled copy-rows.c, when built (see EncodeTableInput.extension). */
  readonly extension: string | undefined;
}

/** The one job a thread gets (see encode-table-worker.ts), with the counter that bounds its batches in flight. */
export interface WorkerEncodeJob extends WorkerEncodeInput {
  readonly inFlight: Int32Array;
  readonly maxInFlight: number;
}

export interface WorkerEncodeEvents {
  readonly onReplace: (columnIndex: number, problem: ValueProblem, row: string) => void;
  /** Throws the error that stops the load. */
  readonly onProblem: (columnIndex: number, problem: ValueProblem, row: string) => never;
  readonly counts?: EncodeCounts;
}

/** Encoded batches waiting for the main thread: bounds memory at this many batches (about 4 MiB each). */
const maxInFlight = 8;

/**
 * A thread for encoding one table, started before it is needed: loading the encoder's modules
 * takes a good part of a second, which can pass while the source is checked. Keeps what the thread
 * posts (an early failure too) until the table's encoding reads it.
 */
export class EncoderThread {
  private readonly queue: WorkerMessage[] = [];
  private wake: (() => void) | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: WorkerMessage) => this.push(message));
    worker.once('error', (error) => this.push({ type: 'error', message: error.message }));
    worker.once('exit', (code) => this.push({ type: 'error', message: `the encoder thread exited (code ${code})` }));
  }

  /** Undefined when no thread can start (the caller encodes on its own thread). */
  static start(): EncoderThread | undefined {
    try {
      return new EncoderThread(startTypeScriptWorker(new URL('./encode-table-worker.ts', import.meta.url)));
    } catch {
      return undefined;
    }
  }

  post(job: WorkerEncodeJob): void {
    this.worker.postMessage(job);
  }

  async next(): Promise<WorkerMessage> {
    while (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    return this.queue.shift() as WorkerMessage;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private push(message: WorkerMessage): void {
    this.queue.push(message);
    this.wake?.();
  }
}

/**
 * A table's COPY batches encoded in a worker thread (`thread`, or one started now), so the main
 * thread only digests and sends them. Yields undefined first when no worker could start or open
 * the file (the caller encodes on its own connection instead); otherwise the batches, exactly as
 * encodeTable builds them. The thread is stopped at the end.
 *
 * Only for a file in rollback-journal mode: the caller's open read transaction then keeps every
 * writer from committing, so the worker's connection sees the caller's snapshot. (In WAL mode
 * a second connection could see newer rows.)
 */
export async function* encodeTableInWorker(
  input: WorkerEncodeInput,
  events: WorkerEncodeEvents,
  thread = EncoderThread.start(),
): AsyncGenerator<CopyBatch | undefined> {
  if (!thread) {
    yield undefined;
    return;
  }
  const inFlight = new Int32Array(new SharedArrayBuffer(4));
  let ready = false;
  try {
    thread.post({ ...input, inFlight, maxInFlight });
    for (;;) {
      const message = await thread.next();
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
        case 'not as declared':
          throw new NotAsDeclaredError(input.table.name);
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
    await thread.stop();
  }
}
