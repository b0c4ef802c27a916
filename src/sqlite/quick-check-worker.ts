import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './sqlite-database.ts';

/** Runs in a worker thread (see quick-check.ts): PRAGMA quick_check on its own read-only connection. */
const { path } = workerData as { path: string };
try {
  const db = openSqlite(path, { readonly: true, mustExist: true });
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    parentPort?.postMessage({ problems: db.prepare('PRAGMA quick_check(20)').all().map((row) => String(Object.values(row)[0])) });
  } finally {
    db.close();
  }
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
