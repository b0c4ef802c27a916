import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSourceDatabase } from '../../src/sqlite/open-source-database.ts';
import { openSqlite } from '../../src/sqlite/sqlite-database.ts';
import { readSqliteSchema } from '../../src/sqlite/sqlite-schema.ts';
import { SourceReaderThread } from '../../src/sqlite/source-reader-thread.ts';
import { fullColumnStats, mergeKindsRows, readColumnStats, type StatsRequest } from '../../src/transfer/column-stats.ts';
import { readTableStats } from '../../src/transfer/read-table-stats.ts';
import { tempDir } from '../support/temp-dir.ts';

describe('readColumnStats: the narrow scans give the same counts as the full one', () => {
  it('for single-kind, nullable, mixed, blob, date, JSON and INTEGER PRIMARY KEY columns', () => {
    const db = openSqlite(':memory:');
    db.exec(`
      CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, nn INTEGER, r REAL, s TEXT, sn TEXT, mix, b BLOB, d DATETIME, j JSON, allnull TEXT, "rowid" TEXT);
      INSERT INTO t (id, n, nn, r, s, sn, mix, b, d, j, allnull, "rowid") VALUES
        (5, 1, NULL, 1.5, 'a', NULL, 1, x'00', '2025-01-01 10:00:00', '{"a":1}', NULL, 'x'),
        (9, -7, 3, 2.5, 'b', 'x', 2.5, x'01', '2025-01-02', 'nope', NULL, 'y'),
        (12, 9223372036854775807, NULL, NULL, 'c', NULL, 'text', NULL, 1700000000, '[1]', NULL, 'z'),
        (40, 0, 4, 3.0, 'd', 'y', x'ff', x'02', 'later', NULL, NULL, 'w');
    `);
    const requests: StatsRequest[] = ['id', 'n', 'nn', 'r', 's', 'sn', 'mix', 'b', 'd', 'j', 'allnull', 'rowid'].map((name) => ({
      name,
      dates: name === 'd',
      json: name === 'j',
    }));
    const narrow = readColumnStats(
      db,
      't',
      requests.map((r) => ({ ...r, rowidAlias: r.name === 'id' })),
    );
    expect(narrow).toEqual(fullColumnStats(db, 't', requests));
    expect(narrow.columns[0]).toMatchObject({ nonNull: 4, integers: 4, minInteger: 5n, maxInteger: 40n });
    db.close();
  });
});

describe('readTableStats: a table scanned in rowid pieces, on one or two threads', () => {
  let dir: { path: string; remove: () => void };
  beforeAll(() => (dir = tempDir('dbops-stats-')));
  afterAll(() => dir.remove());

  it('gives the statistics of one whole scan, with a helper thread, without one, and when the helper fails', async () => {
    const file = path.join(dir.path, 'pieces.db');
    const writer = openSqlite(file);
    // Kinds change along the rowids, so each piece sees different smallest and largest kinds.
    writer.exec(`
      CREATE TABLE big (id INTEGER PRIMARY KEY, n INTEGER, mix, d DATETIME, j JSON);
      CREATE TABLE shadow ("rowid" TEXT, "_rowid_" TEXT, "oid" TEXT, v);
      CREATE TABLE keyed (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
      WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 250000)
      INSERT INTO big SELECT i * 3, CASE WHEN i % 1000 = 0 THEN NULL ELSE i - 125000 END,
        CASE WHEN i < 100000 THEN i WHEN i < 200000 THEN 'text ' || i ELSE x'00ff' END,
        CASE WHEN i % 7 = 0 THEN 1700000000 + i ELSE '2025-01-01 10:00:00' END,
        CASE WHEN i = 240000 THEN 'not json' ELSE '{"i":' || i || '}' END FROM g;
      INSERT INTO shadow VALUES ('a', 'b', 'c', 1), ('d', 'e', 'f', 'two');
      INSERT INTO keyed VALUES ('x', 1), ('y', 2.5);
    `);
    writer.close();
    const db = openSourceDatabase(file, undefined, { quickCheck: false });
    const schema = readSqliteSchema(db);
    const wholeScans = new Map(
      schema.tables.map((table) => [
        table.name,
        readColumnStats(
          db,
          table.name,
          table.columns.map((c) => ({
            name: c.name,
            dates: c.declaredType === 'DATETIME',
            json: c.declaredType === 'JSON',
            rowidAlias: c.name === table.rowidAlias,
          })),
        ),
      ]),
    );
    const helper = SourceReaderThread.start(file);
    expect(helper).toBeDefined();
    try {
      expect(await helper!.quickCheck()).toEqual(['ok']);
      expect(await readTableStats(db, schema.tables, helper)).toEqual(wholeScans);
      await expect(helper!.get('SELECT * FROM no_such_table', [])).rejects.toThrow(/no such table/);
    } finally {
      await helper?.close();
    }
    expect(await readTableStats(db, schema.tables)).toEqual(wholeScans);
    let asked = 0;
    const failing = { get: async () => Promise.reject(new Error(`helper gone after ${++asked} request(s)`)) };
    expect(await readTableStats(db, schema.tables, failing)).toEqual(wholeScans);
    expect(asked).toBeGreaterThan(0);
    db.close();
  });

  it('adds up piece rows: counts are summed, the smallest and largest values kept, NULL pieces ignored', () => {
    expect(
      mergeKindsRows([
        { total: 2n, n0: 2n, lt0: 'integer', ht0: 'text', lo1: 5n, hi1: 9n },
        { total: 0n, n0: 0n, lt0: null, ht0: null, lo1: null, hi1: null },
        { total: 3n, n0: 1n, lt0: 'blob', ht0: 'real', lo1: -4n, hi1: 7n },
      ]),
    ).toEqual({ total: 5n, n0: 3n, lt0: 'blob', ht0: 'text', lo1: -4n, hi1: 9n });
  });
});
