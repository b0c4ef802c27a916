// @ts-check
import fs from 'node:fs';
import sqlite from 'node-sqlite3-wasm';
import { DatabaseUnavailableError } from './database-error.js';
import { toInteger, toMessageJson, toSessionJson } from './row-json.js';

// NULLS LAST spelled out because SQLite and PostgreSQL default to opposite ends.
const COUNT_SESSIONS = 'SELECT count(*) AS n FROM sessions';
const LIST_SESSIONS = `SELECT id, user_id, title, created_at, updated_at, message_count, is_active, metadata
  FROM sessions ORDER BY updated_at DESC NULLS LAST, id LIMIT ?`;
const SESSION_EXISTS = 'SELECT 1 AS found FROM sessions WHERE id = ?';
const LIST_MESSAGES = `SELECT id, role, content, "timestamp", metadata
  FROM messages WHERE session_id = ? ORDER BY "timestamp" NULLS LAST, id`;

/**
 * Opens the file for each request and closes it after: a missing file or one replaced during a
 * migration is seen on the next request, and no descriptor or lock outlives the request.
 * node-sqlite3-wasm locks with a `<file>.lock` directory, not POSIX locks, so native sqlite3
 * processes do not see it (and the data directory must be writable); the API only reads, so it
 * opens read-only and never creates or changes the file.
 * @param {import('./config.js').SqliteTarget} target
 * @returns {import('./database.js').ApiDatabase}
 */
export function createSqliteDatabase(target) {
  /**
   * @template T
   * @param {(db: import('node-sqlite3-wasm').Database) => T} work
   * @returns {Promise<T>}
   */
  async function withDatabase(work) {
    if (!fs.existsSync(target.file)) {
      throw new DatabaseUnavailableError(`SQLite file not found: ${target.file}`);
    }
    /** @type {import('node-sqlite3-wasm').Database} */
    let db;
    try {
      db = new sqlite.Database(target.file, { readOnly: true });
    } catch (error) {
      throw new DatabaseUnavailableError(`cannot open ${target.file}: ${describe(error)}`, { cause: error });
    }
    try {
      // The wasm VFS has no shared memory, so a WAL-mode file opens only in exclusive locking mode;
      // with one short connection per request that costs nothing.
      db.exec('PRAGMA locking_mode=EXCLUSIVE');
      return work(db);
    } catch (error) {
      throw new DatabaseUnavailableError(describeQueryError(error, target.file), { cause: error });
    } finally {
      db.close();
    }
  }

  return {
    backend: 'sqlite',
    countSessions: () =>
      withDatabase((db) => /** @type {number | string} */ (toInteger(db.get(COUNT_SESSIONS)?.n ?? 0))),
    listSessions: (limit) => withDatabase((db) => db.all(LIST_SESSIONS, [limit]).map(toSessionJson)),
    listMessages: (sessionId) =>
      withDatabase((db) =>
        db.get(SESSION_EXISTS, [sessionId]) === null ? null : db.all(LIST_MESSAGES, [sessionId]).map(toMessageJson),
      ),
    close: async () => {},
  };
}

/** @param {unknown} error */
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * @param {unknown} error
 * @param {string} file
 */
function describeQueryError(error, file) {
  const message = describe(error);
  // A process killed while reading leaves the lock directory behind, and every later open is BUSY.
  if (/locked|busy/i.test(message) && fs.existsSync(`${file}.lock`)) {
    return `${message} (lock directory ${file}.lock exists; remove it if no other process uses the file)`;
  }
  return message;
}
