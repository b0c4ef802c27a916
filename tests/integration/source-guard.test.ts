import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors/exit-codes.ts';
import { InputError } from '../../src/errors/input-error.ts';
import { describeChanges, SourceGuard } from '../../src/sqlite/source-guard.ts';
import { openSqlite } from '../../src/sqlite/sqlite-database.ts';
import { tempDir } from '../support/temp-dir.ts';

/** Another process writing to the file, as a worker or cron job of the application would. */
function writeFromAnotherProcess(file: string, sql: string): { ok: boolean; error: string } {
  const script = `
    import Database from 'better-sqlite3';
    const db = new Database(process.argv[1], { timeout: 300 });
    try { db.exec(process.argv[2]); console.log('ok'); } catch (error) { console.log(error.code); }
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, file, sql], { encoding: 'utf8' }).trim();
  return { ok: out === 'ok', error: out === 'ok' ? '' : out };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function database(file: string, journalMode: 'delete' | 'wal'): void {
  const db = openSqlite(file);
  db.exec(`PRAGMA journal_mode = ${journalMode}`);
  db.exec('CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT); CREATE TABLE messages (id INTEGER PRIMARY KEY, session_id TEXT, content TEXT);');
  db.exec("INSERT INTO sessions VALUES ('s1', 'a'), ('s2', 'b'); INSERT INTO messages (session_id, content) VALUES ('s1', 'x'), ('s1', 'y'), ('s2', 'z');");
  db.close();
}

describe('SourceGuard', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('dbops-guard-');
  });
  afterEach(() => dir.remove());

  it('holds writers off under a rollback journal: their commit fails while the guard is open, and succeeds after', () => {
    const file = path.join(dir.path, 'app.db');
    database(file, 'delete');
    const before = sha256(file);
    const guard = SourceGuard.open(file);
    expect(guard.writers).toBe('held off');
    expect(guard.journalMode).toBe('delete');
    expect(Object.fromEntries(guard.rowsAtStart)).toEqual({ messages: 3, sessions: 2 });
    const blocked = writeFromAnotherProcess(file, "INSERT INTO messages (session_id, content) VALUES ('s2', 'late')");
    expect(blocked).toEqual({ ok: false, error: 'SQLITE_BUSY' });
    expect(guard.changes()).toEqual({ changed: false, tables: [] });
    expect(sha256(file)).toBe(before);
    guard.close();
    expect(writeFromAnotherProcess(file, "INSERT INTO messages (session_id, content) VALUES ('s2', 'late')").ok).toBe(true);
  });

  it('detects commits under WAL, names the tables and counts them again', () => {
    const file = path.join(dir.path, 'app.db');
    database(file, 'wal');
    const guard = SourceGuard.open(file);
    expect(guard.writers).toBe('watched');
    expect(guard.changes()).toEqual({ changed: false, tables: [] });
    const inserts = Array.from({ length: 30 }, (_, i) => `INSERT INTO messages (session_id, content) VALUES ('s1', 'late ${i}');`).join('');
    expect(writeFromAnotherProcess(file, inserts).ok).toBe(true);
    const changes = guard.changes();
    expect(changes).toEqual({ changed: true, tables: [{ table: 'messages', rowsBefore: 3, rowsNow: 33 }] });
    expect(describeChanges(changes)).toEqual(['messages: 3 rows at the copy, 33 now (+30)']);
    expect(guard.countRows().get('messages')).toBe(33);
    guard.close();
  });

  it('notices an update that leaves every row count as it was', () => {
    const file = path.join(dir.path, 'app.db');
    database(file, 'wal');
    const guard = SourceGuard.open(file);
    expect(writeFromAnotherProcess(file, "UPDATE sessions SET title = 'renamed' WHERE id = 's1'").ok).toBe(true);
    const changes = guard.changes();
    expect(changes).toEqual({ changed: true, tables: [] });
    expect(describeChanges(changes)[0]).toMatch(/updated/);
    guard.close();
    expect(() => guard.changes()).toThrow(/closed/);
  });

  it('never writes to the source file, in either journal mode', () => {
    for (const mode of ['delete', 'wal'] as const) {
      const file = path.join(dir.path, `${mode}.db`);
      database(file, mode);
      const before = sha256(file);
      const guard = SourceGuard.open(file);
      guard.changes();
      guard.countRows();
      guard.close();
      expect(sha256(file), mode).toBe(before);
    }
  });

  it('refuses what is not a regular, non-empty file before opening it (a FIFO would block forever)', () => {
    const fifo = path.join(dir.path, 'pipe.db');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const empty = path.join(dir.path, 'empty.db');
    writeFileSync(empty, '');
    const cases: [string, RegExp][] = [
      [fifo, /is a named pipe \(FIFO\), not a regular file\. Give the SQLite database file itself as SQLITE_PATH in \.env\.development/],
      [empty, /is empty \(0 bytes\): there is nothing to copy\. Check that SQLITE_PATH in \.env\.development names/],
      [dir.path, /is a directory, not a SQLite file/],
      [path.join(dir.path, 'missing.db'), /does not exist\. Check the path given as SQLITE_PATH in \.env\.development/],
    ];
    for (const [file, message] of cases) {
      let thrown: unknown;
      try {
        SourceGuard.open(file, 'SQLITE_PATH in .env.development');
      } catch (error) {
        thrown = error;
      }
      expect(thrown, file).toBeInstanceOf(InputError);
      expect((thrown as InputError).message, file).toMatch(message);
      expect((thrown as InputError).exitCode).toBe(ExitCode.input);
    }
  });
});
