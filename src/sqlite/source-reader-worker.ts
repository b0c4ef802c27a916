import { parentPort, workerData } from 'node:worker_threads';
import { quickCheck } from './open-source-database.ts';
import { openSqlite, type SqliteDatabase, type SqliteValue } from './sqlite-database.ts';
import type { ReaderReply, ReaderRequest } from './source-reader-thread.ts';

/**
 * Runs in a worker thread (see source-reader-thread.ts): answers requests in order on its own
 * read-only connection to the source file.
 */
const { path } = workerData as { path: string };
let db: SqliteDatabase | undefined;

function answer(request: ReaderRequest): ReaderReply {
  try {
    db ??= openSqlite(path, { readonly: true, mustExist: true });
    if (request.kind === 'quick_check') {
      db.exec('PRAGMA busy_timeout = 10000');
      return { id: request.id, problems: quickCheck(db) };
    }
    return { id: request.id, row: db.get(request.sql, ...(request.params as SqliteValue[])) ?? {} };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (request: ReaderRequest) => parentPort?.postMessage(answer(request)));
