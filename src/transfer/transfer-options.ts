import type { PostgresTarget } from '../postgres/postgres-connection.ts';
import type { IdentifierMode } from './identifier-mapper.ts';

export type IfExistsMode = 'fail' | 'truncate' | 'resume';
export type InvalidTextMode = 'fail' | 'bytea' | 'replace';
/** How the text columns dbops creates compare and sort: byte for byte as in SQLite (COLLATE "C"), or by the database's collation. */
export type TextCollation = 'binary' | 'database';

export interface TransferProgress {
  /** The SQLite table name. */
  readonly table: string;
  readonly rowsDone: number;
  readonly rowsTotal: number;
  readonly rowsPerSecond: number;
}

export interface TransferOptions {
  readonly sqlitePath: string;
  readonly postgres: PostgresTarget;
  /** Target schema, created when missing. Default `public`. */
  readonly schema?: string;
  /** What to do when the target already holds the tables: refuse (default), empty them, or finish an interrupted run. */
  readonly ifExists?: IfExistsMode;
  readonly identifiers?: IdentifierMode;
  /** Text with a NUL byte or invalid UTF-8: refuse the table (default), load the column as bytea, or replace the bad bytes. */
  readonly invalidText?: InvalidTextMode;
  /** Text columns dbops creates: `binary` (default) keeps SQLite's byte-for-byte order and equality, `database` takes the database's collation. */
  readonly collation?: TextCollation;
  /** Only these SQLite tables (names as in SQLite). */
  readonly tables?: readonly string[];
  readonly excludeTables?: readonly string[];
  /** Compare row counts and content digests after loading. Default true. */
  readonly verify?: boolean;
  /** Connections used for loading and index builds. Default 2. */
  readonly parallel?: number;
  /**
   * Encode the largest table's rows in a worker thread, beside the other tables' loads (only for a
   * rollback-journal file, see encode-in-worker.ts). Default false: on 2 cores the thread cost
   * more than it saved (README, Status), so every table is encoded here unless asked.
   */
  readonly encoderThread?: boolean;
  /** Run PRAGMA quick_check and the statistics scans in a worker thread, beside the planning. Default false (as encoderThread): here, first. */
  readonly readerThread?: boolean;
  readonly onProgress?: (progress: TransferProgress) => void;
}

export interface ResolvedTransferOptions extends Required<Omit<TransferOptions, 'tables' | 'excludeTables' | 'onProgress'>> {
  readonly tables: readonly string[] | undefined;
  readonly excludeTables: readonly string[];
  readonly onProgress: (progress: TransferProgress) => void;
}

export function resolveTransferOptions(options: TransferOptions): ResolvedTransferOptions {
  return Object.freeze({
    sqlitePath: options.sqlitePath,
    postgres: options.postgres,
    schema: options.schema ?? 'public',
    ifExists: options.ifExists ?? 'fail',
    identifiers: options.identifiers ?? 'lower',
    invalidText: options.invalidText ?? 'fail',
    collation: options.collation ?? 'binary',
    tables: options.tables,
    excludeTables: options.excludeTables ?? [],
    verify: options.verify ?? true,
    parallel: Math.max(1, options.parallel ?? 2),
    encoderThread: options.encoderThread ?? false,
    readerThread: options.readerThread ?? false,
    onProgress: options.onProgress ?? (() => undefined),
  });
}
