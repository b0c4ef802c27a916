import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DbopsError } from '../../src/errors/dbops-error.ts';
import { ExitCode } from '../../src/errors/exit-codes.ts';
import { TransferError } from '../../src/errors/transfer-error.ts';
import { openSqlite } from '../../src/sqlite/sqlite-database.ts';
import { assertTransferSucceeded } from '../../src/transfer/transfer-database.ts';
import { runCliOn } from '../support/run-cli.ts';
import { columnsOf, constraintsOf, freshDatabase, indexesOf, localServerAndDir, query, transfer, verify } from './transfer-fixtures.ts';

/** A database with every corner case the issue lists. */
function cornerCases(file: string): void {
  const db = openSqlite(file);
  db.exec(`
    PRAGMA foreign_keys = OFF;
    CREATE TABLE "select" (
      "Order" INTEGER PRIMARY KEY AUTOINCREMENT,
      "group name" TEXT NOT NULL DEFAULT 'none',
      mixed,
      epoch DATETIME,
      created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      price NUMERIC(10,2),
      ratio REAL,
      flag BOOLEAN NOT NULL DEFAULT 1,
      doc JSON,
      data BLOB
    );
    INSERT INTO "select" ("group name", mixed, epoch, price, ratio, flag, doc, data) VALUES
      ('a', 1, 1700000000, 0.99, 0.1, 1, '{"b": 1, "a": [1, 2.50]}', X'00FF10'),
      ('b', 'text', '2024-02-29T12:00:00+01:00', 10, 1e300, 0, '[]', NULL),
      ('c', 2.5, 1700000000123, NULL, -0.0, 1, NULL, X''),
      ('tab	and
newline \\ backslash', X'01', 2460000.5, 3.5, 3.0, 0, '"x"', X'5C4E'),
      ('e', NULL, NULL, 1, 2, 1, NULL, NULL);
    DELETE FROM "select" WHERE "Order" = 5;
    CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
    CREATE TABLE child (
      id INTEGER PRIMARY KEY,
      parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE,
      note TEXT,
      CONSTRAINT short_note CHECK (length(note) < 100)
    );
    INSERT INTO parent VALUES (1, 'one'), (2, 'two');
    INSERT INTO child VALUES (1, 1, 'ok'), (2, 2, NULL), (3, 99, 'orphan'), (4, 98, 'orphan too');
    CREATE INDEX child_note_partial ON child (note) WHERE note IS NOT NULL;
    CREATE INDEX child_note_lower ON child (lower(note));
    CREATE VIEW child_names AS SELECT c.id, p.name FROM child c JOIN parent p ON p.id = c.parent_id;
    CREATE TABLE pairs (a TEXT NOT NULL, b INTEGER NOT NULL, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
    INSERT INTO pairs VALUES ('x', 1, 'one'), ('x', 2, 'two'), ('é', 1, 'three');
    CREATE TABLE tags (name TEXT PRIMARY KEY, weight INTEGER);
    INSERT INTO tags VALUES ('m', 1), ('c', 2), ('x', 3), ('a', 4);
    CREATE TABLE bad_text (id INTEGER PRIMARY KEY, name TEXT);
    INSERT INTO bad_text VALUES (1, 'fine'), (2, CAST(X'6100620A' AS TEXT)), (3, CAST(X'66966E' AS TEXT));
  `);
  db.close();
}

describe('generated corner cases', () => {
  const local = localServerAndDir('dbops-corner-');
  let file: string;
  let counter = 0;
  const fresh = () => freshDatabase(local.server, `corner_${(counter += 1)}`);

  beforeAll(async () => {
    file = path.join(local.dir, 'corner.db');
    cornerCases(file);
  });

  it('by default refuses only the table with a NUL / bad UTF-8, names table, column and rowid, loads the rest, exits non-zero', async () => {
    const url = await fresh();
    const report = await transfer({ sqlitePath: file, postgres: { url } });
    expect(report.ok).toBe(false);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({ table: 'bad_text', column: 'name', row: 'id=2' });
    expect(report.failures[0]?.message).toMatch(/NUL.*--invalid-text bytea/);
    expect(
      report.tables
        .filter((t) => t.verified?.ok)
        .map((t) => t.table)
        .sort(),
    ).toEqual(['child', 'pairs', 'parent', 'select', 'tags']);
    expect(() => assertTransferSucceeded(report)).toThrow(TransferError);

    const cli = await runCliOn(await fresh(), ['transfer', '--sqlite', file]);
    expect(cli.exitCode).not.toBe(0);
    expect(cli.stderr).toMatch(/^dbops: table "bad_text", column "name", rowid id=2: /m);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('types, values, defaults, sequences, orphans, checks, indexes and views behave as specified', async () => {
    const url = await fresh();
    const report = await transfer({ sqlitePath: file, postgres: { url }, invalidText: 'bytea' });
    expect(report.failures).toEqual([]);
    expect(report.verification?.ok).toBe(true);

    expect(await columnsOf(url, 'select')).toMatchObject({
      order: ['bigint', false],
      'group name': ['text', false],
      mixed: ['bytea', true],
      epoch: ['timestamp without time zone', true],
      created: ['timestamp without time zone', false],
      price: ['numeric(10,2)', true],
      ratio: ['double precision', true],
      flag: ['boolean', false],
      doc: ['jsonb', true],
      data: ['bytea', true],
    });
    expect(report.widenedColumns.map((w) => `${w.table}.${w.column}`).sort()).toEqual(['bad_text.name', 'select.epoch', 'select.mixed']);
    const rows = await query<Record<string, string | null>>(
      url,
      `SELECT "order"::text, "group name", epoch::text, price::text, ratio::text, flag::text, doc::text, encode(data, 'hex') AS data FROM "select" ORDER BY 1`,
    );
    expect(rows).toEqual([
      {
        order: '1',
        'group name': 'a',
        epoch: '2023-11-14 22:13:20',
        price: '0.99',
        ratio: '0.1',
        flag: 'true',
        doc: '{"a": [1, 2.50], "b": 1}',
        data: '00ff10',
      },
      { order: '2', 'group name': 'b', epoch: '2024-02-29 11:00:00', price: '10.00', ratio: '1e+300', flag: 'false', doc: '[]', data: null },
      { order: '3', 'group name': 'c', epoch: '2023-11-14 22:13:20.123', price: null, ratio: '0', flag: 'true', doc: null, data: '' },
      {
        order: '4',
        'group name': 'tab\tand\nnewline \\ backslash',
        epoch: '2023-02-25 00:00:00',
        price: '3.50',
        ratio: '3',
        flag: 'false',
        doc: '"x"',
        data: '5c4e',
      },
    ]);
    // The next id is above SQLite's high-water mark (5 was deleted), not max(id)+1 = 5.
    const [next] = await query<{ order: string; created: string; flag: boolean }>(
      url,
      `INSERT INTO "select" DEFAULT VALUES RETURNING "order", created::text, flag`,
    );
    expect(next).toMatchObject({ order: '6', flag: true });
    expect(Date.now() - Date.parse(`${next?.created.replace(' ', 'T')}Z`)).toBeLessThan(60_000);

    expect(report.orphans).toEqual([expect.objectContaining({ table: 'child', orphanRows: 2 })]);
    const childKeys = await constraintsOf(url, 'child');
    expect(childKeys.find((k) => k.type === 'f')).toMatchObject({ valid: false, definition: expect.stringContaining('ON DELETE CASCADE') });
    expect(childKeys.find((k) => k.type === 'c')).toMatchObject({ name: 'short_note', valid: true });
    const indexes = await indexesOf(url, 'child');
    expect(indexes.child_note_partial).toMatch(/WHERE \(note IS NOT NULL\)/);
    expect(indexes.child_note_lower).toMatch(/lower\(note\)/);
    expect(await query(url, 'SELECT * FROM child_names ORDER BY id')).toEqual([
      { id: '1', name: 'one' },
      { id: '2', name: 'two' },
    ]);
    expect((await constraintsOf(url, 'pairs')).find((k) => k.type === 'p')?.definition).toBe('PRIMARY KEY (a, b)');
    expect(await query(url, "SELECT encode(name, 'escape') AS name FROM bad_text ORDER BY id")).toEqual([
      { name: 'fine' },
      { name: 'a\\000b\n' },
      { name: 'f\\226n' },
    ]);
  }, 60_000);

  it('text columns compare byte for byte as in SQLite (COLLATE "C"), or by the database collation with --collation database', async () => {
    const collations = (url: string) =>
      query<{ column: string; collation: string | null }>(
        url,
        `SELECT table_name || '.' || column_name AS column, collation_name AS collation FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name IN ('select', 'pairs') AND data_type = 'text' ORDER BY 1`,
      );
    const binary = await fresh();
    expect((await transfer({ sqlitePath: file, postgres: { url: binary }, invalidText: 'bytea' })).ok).toBe(true);
    expect(await collations(binary)).toEqual([
      { column: 'pairs.a', collation: 'C' },
      { column: 'pairs.v', collation: 'C' },
      { column: 'select.group name', collation: 'C' },
    ]);
    // The key's index sorts as SQLite does: 'é' (0xC3 0xA9) after every ASCII letter, upper case before lower.
    await query(binary, "INSERT INTO pairs VALUES ('Z', 1, NULL), ('a', 1, NULL)");
    expect((await query<{ a: string }>(binary, 'SELECT DISTINCT a FROM pairs ORDER BY a')).map((r) => r.a)).toEqual(['Z', 'a', 'x', 'é']);

    const database = await fresh();
    expect((await transfer({ sqlitePath: file, postgres: { url: database }, invalidText: 'bytea', collation: 'database' })).ok).toBe(true);
    expect((await collations(database)).map((c) => c.collation)).toEqual([null, null, null]);
  }, 60_000);

  it('--invalid-text replace substitutes and lists every changed row', async () => {
    const url = await fresh();
    const report = await transfer({ sqlitePath: file, postgres: { url }, invalidText: 'replace' });
    expect(report.ok).toBe(true);
    expect(report.replaced.map((r) => `${r.table}.${r.column} ${r.row}`)).toEqual(['bad_text.name id=2', 'bad_text.name id=3']);
    expect(await query(url, 'SELECT name FROM bad_text ORDER BY id')).toEqual([{ name: 'fine' }, { name: 'a\uFFFDb\n' }, { name: 'f\uFFFDn' }]);
    expect((await verify({ sqlitePath: file, postgres: { url }, invalidText: 'replace' })).ok).toBe(true);
  }, 60_000);

  it('--if-exists: fail refuses a non-empty target, truncate replaces, resume finishes a killed run exactly', async () => {
    const url = await fresh();
    const options = { sqlitePath: file, postgres: { url }, invalidText: 'bytea' as const };
    expect((await transfer(options)).ok).toBe(true);

    const refused = await transfer(options).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DbopsError);
    expect((refused as DbopsError).exitCode).toBe(ExitCode.refused);
    expect((refused as DbopsError).message).toMatch(/already has .* --if-exists truncate/);

    await query(url, "INSERT INTO parent VALUES (3, 'extra')");
    const truncated = await transfer({ ...options, ifExists: 'truncate' });
    expect(truncated.ok).toBe(true);
    expect(await query(url, 'SELECT count(*)::int AS n FROM parent')).toEqual([{ n: 2 }]);

    // What a killed run leaves: some tables complete, one empty (COPY is one transaction), no keys yet.
    await query(url, 'ALTER TABLE child DROP CONSTRAINT child_parent_id_fkey; TRUNCATE child; DROP INDEX child_note_partial; DROP VIEW child_names');
    const resumed = await transfer({ ...options, ifExists: 'resume' });
    expect(resumed.ok).toBe(true);
    expect(resumed.tables.find((t) => t.table === 'child')?.status).toBe('loaded');
    expect(resumed.tables.find((t) => t.table === 'parent')?.status).toBe('already complete');
    expect(Object.keys(await indexesOf(url, 'child'))).toContain('child_note_partial');
    expect((await constraintsOf(url, 'child')).some((k) => k.type === 'f')).toBe(true);
    expect((await verify(options)).ok).toBe(true);
  }, 90_000);

  it('verify names the table and the first differing key when a value changed', async () => {
    const url = await fresh();
    const options = { sqlitePath: file, postgres: { url }, invalidText: 'bytea' as const };
    await transfer(options);
    await query(url, "UPDATE pairs SET v = 'changed' WHERE a = 'x' AND b = 2");
    const report = await verify(options);
    expect(report.verification?.mismatches).toEqual([{ table: 'pairs', detail: 'first differing row: a="x", b=2' }]);
    const cli = await runCliOn(url, ['verify', '--sqlite', file, '--invalid-text', 'bytea']);
    expect(cli.exitCode).toBe(ExitCode.verification);
    expect(cli.stderr).toMatch(/pairs: first differing row: a="x", b=2/);
  }, 60_000);

  it('loads a rowid table keyed by text in rowid order, and compares it by key once PostgreSQL stores it otherwise', async () => {
    const url = await fresh();
    const options = { sqlitePath: file, postgres: { url }, invalidText: 'bytea' as const };
    expect((await transfer(options)).ok).toBe(true);
    const stored = async () => (await query<{ name: string }>(url, 'SELECT name FROM tags')).map((r) => r.name);
    expect(await stored()).toEqual(['m', 'c', 'x', 'a']);
    await query(url, "DELETE FROM tags WHERE name = 'c'");
    await query(url, "INSERT INTO tags VALUES ('c', 2)");
    expect(await stored()).toEqual(['m', 'x', 'a', 'c']);
    expect((await verify(options)).ok).toBe(true);
    await query(url, "UPDATE tags SET weight = 9 WHERE name = 'x'");
    expect((await verify(options)).verification?.mismatches).toEqual([{ table: 'tags', detail: 'first differing row: name="x"' }]);
  }, 60_000);

  it('gives a one-paragraph error for a missing file, a file that is not SQLite, and an unknown table', async () => {
    const url = await fresh();
    const missing = await runCliOn(url, ['transfer', '--sqlite', path.join(local.dir, 'nope.db')]);
    expect(missing).toMatchObject({ exitCode: ExitCode.input });
    expect(missing.stderr).toMatch(/^dbops: The SQLite file .*nope\.db does not exist/m);
    const notSqlite = path.join(local.dir, 'text.db');
    (await import('node:fs')).writeFileSync(notSqlite, 'just some text, not a database at all '.repeat(200));
    const wrong = await runCliOn(url, ['transfer', '--sqlite', notSqlite]);
    expect(wrong.exitCode).toBe(ExitCode.input);
    expect(wrong.stderr).toMatch(/is not a SQLite database/);
    const unknown = await runCliOn(url, ['transfer', '--sqlite', file, '--tables', 'nope']);
    expect(unknown.exitCode).toBe(ExitCode.input);
    expect(unknown.stderr).toMatch(/no table "nope".*Its tables are: select, parent, child, pairs, tags, bad_text/);
  }, 60_000);

  it('reports a damaged file as quick_check finds it, and leaves no table behind, whether or not the load reads the damage', async () => {
    const { openSync, writeSync, closeSync } = await import('node:fs');
    // One table whose index is damaged (only quick_check reads a partial index: the load finishes,
    // and must not commit) and one whose table page is (a read fails first): both pass opening and
    // the schema read.
    for (const damaged of ['index', 'table'] as const) {
      const broken = path.join(local.dir, `damaged-${damaged}.db`);
      const db = openSqlite(broken);
      db.exec(`
        CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
        WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 20000)
          INSERT INTO notes SELECT i, 'note number ' || i FROM seq;
        CREATE INDEX notes_body ON notes (body) WHERE id > 0;
      `);
      const pageSize = Number(db.get('PRAGMA page_size')?.page_size);
      const page =
        damaged === 'index'
          ? Number(db.get("SELECT rootpage FROM sqlite_schema WHERE name = 'notes_body'")?.rootpage)
          : Number(db.get("SELECT max(pageno) AS p FROM dbstat WHERE name = 'notes' AND pagetype = 'leaf'")?.p);
      db.close();
      // An invalid b-tree page type in the first byte of the page.
      const fd = openSync(broken, 'r+');
      writeSync(fd, Buffer.from([0xff]), 0, 1, (page - 1) * pageSize);
      closeSync(fd);

      const url = await fresh();
      const cli = await runCliOn(url, ['transfer', '--sqlite', broken]);
      expect(cli.exitCode, damaged).toBe(ExitCode.input);
      expect(cli.stderr, damaged).toMatch(/^dbops: The SQLite file .*damaged-\w+\.db is damaged: PRAGMA quick_check reported:/m);
      expect(cli.stderr, damaged).not.toMatch(/\n\s+at /);
      expect(await query(url, "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"), damaged).toEqual([]);
    }
  }, 60_000);
});
