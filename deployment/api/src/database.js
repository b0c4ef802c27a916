// @ts-check

/**
 * The little the API needs from a database; one adapter per backend implements it, and only that
 * adapter imports its driver. Rows come back already normalised (see row-json.js), so both
 * backends answer with identical JSON for identical data.
 * @typedef {ReturnType<typeof import('./row-json.js').toSessionJson>} SessionJson
 * @typedef {ReturnType<typeof import('./row-json.js').toMessageJson>} MessageJson
 * @typedef {object} ApiDatabase
 * @property {'sqlite' | 'postgresql'} backend
 * @property {() => Promise<number | string>} countSessions
 * @property {(limit: number) => Promise<SessionJson[]>} listSessions
 * @property {(sessionId: string) => Promise<MessageJson[] | null>} listMessages  null when the session does not exist
 * @property {() => Promise<void>} close
 */

/**
 * Loads only the driver the target needs: a PostgreSQL deployment never compiles the SQLite wasm.
 * Opening never touches the database, so the API starts even while the database is down.
 * @param {import('./config.js').DatabaseTarget} target
 * @returns {Promise<ApiDatabase>}
 */
export async function openDatabase(target) {
  if (target.backend === 'sqlite') {
    const { createSqliteDatabase } = await import('./sqlite-database.js');
    return createSqliteDatabase(target);
  }
  const { createPostgresDatabase } = await import('./postgres-database.js');
  return createPostgresDatabase(target);
}
