import BetterSqlite3 from 'better-sqlite3';

export type SqliteValue = string | number | bigint | Buffer | null;

/** The part of a prepared statement dbops uses. */
export interface SqliteStatement {
  run(...params: readonly SqliteValue[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: readonly SqliteValue[]): Record<string, SqliteValue> | undefined;
  all(...params: readonly SqliteValue[]): Record<string, SqliteValue>[];
  /** Rows as arrays, lazily: the way to read a large table in constant memory. */
  iterateRows(...params: readonly SqliteValue[]): IterableIterator<SqliteValue[]>;
  /** The first row as an array (no column-name objects), or undefined. */
  getRow(...params: readonly SqliteValue[]): SqliteValue[] | undefined;
}

/** The part of better-sqlite3 dbops uses; this file is the only one that imports the driver. */
export interface SqliteDatabase {
  readonly path: string;
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  /** The first row of a query, for one-off look-ups. */
  get(sql: string, ...params: readonly SqliteValue[]): Record<string, SqliteValue> | undefined;
  /** Runs fn inside BEGIN ... COMMIT, rolling back if it throws. */
  transaction<T>(fn: () => T): T;
  /** Loads a SQLite extension into this connection (once per file). */
  loadExtension(file: string, entryPoint: string): void;
  close(): void;
}

export interface OpenSqliteOptions {
  /** Open read-only: the source of a migration is never modified. */
  readonly readonly?: boolean;
  /** Fail instead of creating a new empty file. */
  readonly mustExist?: boolean;
}

export function openSqlite(path: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  const db = new BetterSqlite3(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.mustExist ?? options.readonly ?? false,
  });
  db.defaultSafeIntegers(true);
  const extensions = new Set<string>();
  return {
    path,
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => {
      const statement = db.prepare<SqliteValue[], Record<string, SqliteValue>>(sql);
      const rows = statement.reader ? db.prepare<SqliteValue[], SqliteValue[]>(sql).raw(true) : undefined;
      return {
        run: (...params) => statement.run(...params),
        get: (...params) => statement.get(...params),
        all: (...params) => statement.all(...params),
        iterateRows: (...params) => {
          if (!rows) throw new Error(`Statement returns no rows: ${sql}`);
          return rows.iterate(...params);
        },
        getRow: (...params) => {
          if (!rows) throw new Error(`Statement returns no rows: ${sql}`);
          return rows.get(...params);
        },
      };
    },
    get: (sql, ...params) => db.prepare<SqliteValue[], Record<string, SqliteValue>>(sql).get(...params),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    loadExtension: (file, entryPoint) => {
      if (extensions.has(file)) return;
      // better-sqlite3 takes the entry point as a second argument; its type declaration omits it.
      (db.loadExtension as (file: string, entryPoint: string) => unknown).call(db, file, entryPoint);
      extensions.add(file);
    },
    close: () => db.close(),
  };
}
