import { quoteIdentifier } from '../postgres/quote-identifier.ts';
import { openSourceDatabase, sourceError } from './open-source-database.ts';
import { openSqlite, type SqliteDatabase } from './sqlite-database.ts';

/**
 * How a guard keeps other writers from changing the source behind a migration's back:
 * - 'held off': a rollback journal. The guard's open read transaction keeps a SHARED lock, so no
 *   other connection can commit until the guard closes: their commits wait, then fail with
 *   SQLITE_BUSY (the writer sees the failure; nothing is lost silently).
 * - 'watched': WAL. Readers cannot block writers there, so commits are detected instead, through
 *   PRAGMA data_version, which changes whenever another connection commits.
 */
export type WriterHold = 'held off' | 'watched';

/** A table whose row count moved since the guard opened. */
export interface TableChange {
  readonly table: string;
  readonly rowsBefore: number;
  readonly rowsNow: number;
}

export interface SourceChanges {
  /** True when any other connection committed since the guard opened (row counts may still be equal: updates). */
  readonly changed: boolean;
  readonly tables: readonly TableChange[];
}

/** The journal modes in which a reader's SHARED lock stops every commit. */
const rollbackJournalModes = new Set(['delete', 'truncate', 'persist']);

/**
 * Proves that the SQLite file a migration copies is the file it switches away from: opened (read
 * only) before the copy and checked at the switch. Holds writers off where SQLite allows it and
 * detects their commits where it does not (see WriterHold). Close it when the run ends.
 */
export class SourceGuard {
  private closed = false;

  private constructor(
    private readonly db: SqliteDatabase,
    readonly path: string,
    readonly journalMode: string,
    readonly writers: WriterHold,
    private readonly dataVersion: bigint,
    /** Rows per table when the guard opened. */
    readonly rowsAtStart: ReadonlyMap<string, number>,
  ) {}

  /**
   * Opens the file read-only (checked as a migration source: regular file, not empty, SQLite,
   * quick_check) and takes the state every later check compares with.
   * `named` says where the path came from (e.g. "SQLITE_PATH in .env.development").
   */
  static open(path: string, named = '--sqlite', open: typeof openSqlite = openSqlite): SourceGuard {
    // openSourceDatabase checks the file and begins the read transaction; under a rollback
    // journal that transaction is the hold, under WAL it would pin an old snapshot and hide
    // changes from the counts taken at the switch, so it ends there.
    const db = openSourceDatabase(path, open, { quickCheck: false, named });
    try {
      const journalMode = String(db.get('PRAGMA journal_mode')?.journal_mode ?? '').toLowerCase();
      const writers: WriterHold = rollbackJournalModes.has(journalMode) ? 'held off' : 'watched';
      if (writers === 'watched') db.exec('COMMIT');
      // data_version first: a commit that lands while the tables are counted still shows.
      const dataVersion = readDataVersion(db);
      return new SourceGuard(db, path, journalMode, writers, dataVersion, countRows(db));
    } catch (error) {
      db.close();
      throw sourceError(path, error);
    }
  }

  /** What other connections committed since open(): each table counted again, never the start's figures. */
  changes(): SourceChanges {
    this.requireOpen();
    try {
      const changed = readDataVersion(this.db) !== this.dataVersion;
      if (!changed) return { changed, tables: [] };
      const now = countRows(this.db);
      const names = new Set([...this.rowsAtStart.keys(), ...now.keys()]);
      const tables: TableChange[] = [];
      for (const table of names) {
        const rowsBefore = this.rowsAtStart.get(table) ?? 0;
        const rowsNow = now.get(table) ?? 0;
        if (rowsBefore !== rowsNow) tables.push({ table, rowsBefore, rowsNow });
      }
      return { changed, tables };
    } catch (error) {
      throw sourceError(this.path, error);
    }
  }

  /** Rows per table now, counted again. */
  countRows(): Map<string, number> {
    this.requireOpen();
    try {
      return countRows(this.db);
    } catch (error) {
      throw sourceError(this.path, error);
    }
  }

  /** Ends the hold (under a rollback journal, writers can commit again). Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private requireOpen(): void {
    if (this.closed) throw new Error('the source guard is closed');
  }
}

/** One sentence per changed table, for messages: `messages: 1000000 rows at the copy, 1000030 now (+30)`. */
export function describeChanges(changes: SourceChanges): string[] {
  if (changes.tables.length === 0) return changes.changed ? ['rows were updated or deleted and re-inserted (row counts are unchanged)'] : [];
  return changes.tables.map(({ table, rowsBefore, rowsNow }) => {
    const delta = rowsNow - rowsBefore;
    return `${table}: ${rowsBefore} rows at the copy, ${rowsNow} now (${delta > 0 ? '+' : ''}${delta})`;
  });
}

function readDataVersion(db: SqliteDatabase): bigint {
  const value = db.get('PRAGMA data_version')?.data_version;
  return typeof value === 'bigint' ? value : BigInt(Number(value ?? 0));
}

function countRows(db: SqliteDatabase): Map<string, number> {
  const counts = new Map<string, number>();
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all();
  for (const { name } of tables) {
    const table = String(name);
    counts.set(table, Number(db.get(`SELECT count(*) AS n FROM ${quoteIdentifier(table)}`)?.n ?? 0));
  }
  return counts;
}
