// @ts-check
import pg from 'pg';
import { DatabaseUnavailableError, safeErrorMessage } from './database-error.js';
import { toInteger, toMessageJson, toSessionJson } from './row-json.js';

// COLLATE "C" makes the id tie-break byte order, as SQLite's BINARY collation does; the database's
// default (often en_US.UTF-8) would order "S-003" and "s-002" differently.
const COUNT_SESSIONS = 'SELECT count(*) AS n FROM public.sessions';
const LIST_SESSIONS = `SELECT id, user_id, title, created_at, updated_at, message_count, is_active, metadata
  FROM public.sessions ORDER BY updated_at DESC NULLS LAST, id COLLATE "C" LIMIT $1`;
const SESSION_EXISTS = 'SELECT 1 AS found FROM public.sessions WHERE id = $1';
const LIST_MESSAGES = `SELECT id, role, content, "timestamp", metadata
  FROM public.messages WHERE session_id = $1 ORDER BY "timestamp" NULLS LAST, id`;

const TIMESTAMP_OIDS = new Set([
  1082, // date
  1114, // timestamp without time zone
  1184, // timestamp with time zone
]);

/** Timestamps stay PostgreSQL's own text (row-json.js rewrites it); a JS Date would lose microseconds. */
const types = {
  /**
   * @param {number} oid
   * @param {'text' | 'binary'} [format]
   * @returns {(value: string) => unknown}
   */
  getTypeParser(oid, format) {
    if (TIMESTAMP_OIDS.has(oid)) return (value) => value;
    return /** @type {(value: string) => unknown} */ (pg.types.getTypeParser(oid, format ?? 'text'));
  },
};

/**
 * @param {import('./config.js').PostgresTarget} target
 * @returns {import('./database.js').ApiDatabase}
 */
export function createPostgresDatabase(target) {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    application_name: 'dbops-reference-api',
    // Short, so /health answers 503 quickly while the database is down instead of hanging.
    connectionTimeoutMillis: 2000,
    statement_timeout: 5000,
    query_timeout: 6000,
    idleTimeoutMillis: 10_000,
    max: 4,
    // UTC and ISO output make timestamptz text the same whatever the server's settings.
    options: '-c TimeZone=UTC -c DateStyle=ISO,YMD',
    types,
  });
  // An idle client whose server went away emits here; without a listener the process would crash.
  // The pool drops that client and the next request connects again.
  pool.on('error', () => {});

  /**
   * @param {string} sql
   * @param {unknown[]} values
   */
  async function query(sql, values) {
    try {
      const result = await pool.query(sql, values);
      return /** @type {Record<string, unknown>[]} */ (result.rows);
    } catch (error) {
      const message = safeErrorMessage(error, [target.password, target.connectionString]);
      throw new DatabaseUnavailableError(message, { cause: error });
    }
  }

  return {
    backend: 'postgresql',
    countSessions: async () => {
      const [row] = await query(COUNT_SESSIONS, []);
      return /** @type {number | string} */ (toInteger(row?.n ?? 0));
    },
    listSessions: async (limit) => (await query(LIST_SESSIONS, [limit])).map(toSessionJson),
    listMessages: async (sessionId) => {
      const found = await query(SESSION_EXISTS, [sessionId]);
      if (found.length === 0) return null;
      return (await query(LIST_MESSAGES, [sessionId])).map(toMessageJson);
    },
    close: () => pool.end(),
  };
}
