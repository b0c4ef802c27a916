import type { PostgresTarget } from '../postgres/postgres-connection.ts';

export interface TableCount {
  /** The SQLite table. */
  readonly table: string;
  /** The PostgreSQL schema and table it was copied to. */
  readonly schema: string;
  readonly target: string;
  readonly rows: number;
}

export interface MoveResult {
  readonly tables: readonly TableCount[];
  readonly warnings: readonly string[];
  /** The engine's full report, JSON-serialisable and free of secrets, for the run record. */
  readonly report: unknown;
}

export interface MoveProgress {
  readonly table: string;
  readonly rowsDone: number;
  readonly rowsTotal: number;
  readonly rowsPerSecond: number;
}

/**
 * What the migrate pipeline needs from the transfer engine: copy and verify every table, or only
 * verify a finished copy. Throws when anything is missing or different.
 */
export interface DataMover {
  copy(
    sqlitePath: string,
    target: PostgresTarget,
    options: { readonly ifExists: 'fail' | 'truncate'; readonly onProgress: (progress: MoveProgress) => void },
  ): Promise<MoveResult>;
  verify(sqlitePath: string, target: PostgresTarget): Promise<MoveResult>;
}
