import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '../common/typescript-worker.ts';
import type { SqliteValue } from './sqlite-database.ts';

/** What the thread can be asked. */
type ReaderQuestion = { readonly kind: 'quick_check' } | { readonly kind: 'get'; readonly sql: string; readonly params: readonly SqliteValue[] };

export type ReaderRequest = ReaderQuestion & { readonly id: number };

export type ReaderReply =
  | { readonly id: number; readonly problems: string[] }
  | { readonly id: number; readonly row: Record<string, SqliteValue> }
  | { readonly id: number; readonly error: string };

/**
 * A second read-only connection to the source file, in a worker thread, so reads that visit every
 * page (PRAGMA quick_check, the statistics scans) use the second core while this thread works.
 * Requests are answered in order.
 *
 * Its queries see the caller's snapshot only while the caller holds a read transaction on a
 * rollback-journal file (every writer waits for it); in WAL mode they could see newer rows, so
 * callers send it statistics queries only in that case.
 */
export class SourceReaderThread {
  private readonly pending = new Map<number, { resolve: (reply: ReaderReply) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: ReaderReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      waiting?.resolve(reply);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiting of this.pending.values()) waiting.reject(this.failure);
      this.pending.clear();
    };
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the source reader thread exited (code ${code})`)));
  }

  /** Starts the thread; undefined when none could start (the caller then does the work itself). */
  static start(path: string): SourceReaderThread | undefined {
    try {
      return new SourceReaderThread(startTypeScriptWorker(new URL('./source-reader-worker.ts', import.meta.url), { path }));
    } catch {
      return undefined;
    }
  }

  /** PRAGMA quick_check(20): ['ok'] when sound, else the problems; undefined when the thread could not run it. */
  async quickCheck(): Promise<string[] | undefined> {
    try {
      const reply = await this.request({ kind: 'quick_check' });
      return 'problems' in reply ? reply.problems : undefined;
    } catch {
      return undefined;
    }
  }

  /** The first row of a query (an empty object when there is none). Rejects with SQLite's error, or when the thread died. */
  async get(sql: string, params: readonly SqliteValue[] = []): Promise<Record<string, SqliteValue>> {
    const reply = await this.request({ kind: 'get', sql, params });
    if ('error' in reply) throw new Error(reply.error);
    if (!('row' in reply)) throw new Error('the source reader thread answered a query with something else');
    return reply.row;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private request(request: ReaderQuestion): Promise<ReaderReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request });
    });
  }
}
