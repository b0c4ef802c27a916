import { openSourceDatabase } from '../sqlite/open-source-database.ts';

export interface SourceSummary {
  readonly tables: number;
  /** Rows of the `sessions` table, which the api reports on /health; undefined without that table. */
  readonly sessions: number | undefined;
}

/** Opens the SQLite file read-only, runs quick_check, and counts what the api will be checked against. */
export function summariseSource(sqlitePath: string, named = 'SQLITE_PATH'): SourceSummary {
  const db = openSourceDatabase(sqlitePath, undefined, { named });
  try {
    const tables = db.get("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    const hasSessions = db.get("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name = 'sessions'");
    const sessions = Number(hasSessions?.n ?? 0) > 0 ? Number(db.get('SELECT count(*) AS n FROM sessions')?.n ?? 0) : undefined;
    return { tables: Number(tables?.n ?? 0), sessions };
  } finally {
    db.close();
  }
}
