import { statSync, type Stats } from 'node:fs';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import { InputError } from '../errors/input-error.ts';
import { openSqlite, type SqliteDatabase } from './sqlite-database.ts';

export interface OpenSourceOptions {
  /** Run PRAGMA quick_check before the snapshot (default true). */
  readonly quickCheck?: boolean;
  /** Where the path came from, for messages: an option (`--sqlite`) or a key and its file. */
  readonly named?: string;
}

/**
 * Opens the source of a migration read-only, checks it with PRAGMA quick_check and starts a read
 * transaction, so every later read sees one consistent snapshot even while the application writes.
 * Close it with `db.close()` (the transaction ends with the connection).
 */
export function openSourceDatabase(path: string, open: typeof openSqlite = openSqlite, options: OpenSourceOptions = {}): SqliteDatabase {
  assertSourceFile(path, options.named ?? '--sqlite');
  let db: SqliteDatabase | undefined;
  try {
    db = open(path, { readonly: true, mustExist: true });
    db.exec('PRAGMA busy_timeout = 10000');
    if (options.quickCheck ?? true) assertQuickCheck(path, quickCheck(db));
    db.exec('BEGIN');
    // The first read takes the snapshot that the whole transfer then sees.
    db.get('SELECT count(*) AS n FROM sqlite_schema');
    return db;
  } catch (error) {
    db?.close();
    throw sourceError(path, error);
  }
}

/**
 * The path must name a regular, non-empty file before SQLite opens it: opening a FIFO blocks
 * forever (and ignores signals), and an empty file opens as a database with no tables, which would
 * "migrate" as nothing copied.
 */
export function assertSourceFile(path: string, named: string): void {
  let info: Stats;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`The SQLite file ${path} does not exist. Check the path given as ${named}.`, error);
    throw new InputError(`Cannot read the SQLite file ${path} (${code ?? String(error)}). Check the path given as ${named} and its permissions.`, error);
  }
  if (info.isDirectory()) throw new InputError(`${path} is a directory, not a SQLite file. Give the database file itself as ${named}.`);
  if (!info.isFile()) throw new InputError(`${path} is ${fileKind(info)}, not a regular file. Give the SQLite database file itself as ${named}.`);
  if (info.size === 0) {
    throw new InputError(`The SQLite file ${path} is empty (0 bytes): there is nothing to copy. Check that ${named} names the application's database file.`);
  }
}

function fileKind(info: Stats): string {
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * PRAGMA quick_check(20)'s answer: ['ok'], or the problems it found. Some damage makes it fail
 * after listing problems (an unreadable page); that error then ends the list instead of hiding it.
 */
export function quickCheck(db: SqliteDatabase): string[] {
  const problems: string[] = [];
  try {
    for (const row of db.prepare('PRAGMA quick_check(20)').iterateRows()) problems.push(String(row[0]));
  } catch (error) {
    if (problems.length === 0) throw error;
    problems.push(error instanceof Error ? error.message : String(error));
  }
  return problems;
}

/** Throws the damaged-file error unless PRAGMA quick_check answered just 'ok'. */
export function assertQuickCheck(path: string, problems: readonly string[]): void {
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw new InputError(
    `The SQLite file ${path} is damaged: PRAGMA quick_check reported:\n${problems.map((p) => `  ${p}`).join('\n')}\n` +
      'Nothing was copied. Restore it from a backup, or try `sqlite3 FILE ".recover"` into a new file and migrate that.',
  );
}

/** A driver error on the source file as the paragraph a user needs. */
export function sourceError(path: string, error: unknown): unknown {
  if (error instanceof DbopsError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const message = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_NOTADB'))
    return new InputError(`${path} is not a SQLite database (${message}). Check that the path names the application's SQLite database.`, error);
  if (code.startsWith('SQLITE_CORRUPT'))
    return new InputError(
      `The SQLite file ${path} is corrupt (${message}). Nothing was copied. Restore it from a backup, or recover it with sqlite3's .recover.`,
      error,
    );
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DbopsError(
      `The SQLite file ${path} is locked by another process (${message}), and stayed locked for 10 s. Stop the ` +
        `application (or wait for its write to finish) and run again.`,
      // Not ExitCode.locked: that one means another dbops run holds the stack.
      { exitCode: ExitCode.input, cause: error },
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'EACCES')
    return new InputError(`Cannot open the SQLite file ${path} (${message}). Check that it is readable by this user.`, error);
  return error;
}
