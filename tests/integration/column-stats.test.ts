import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/sqlite/sqlite-database.ts';
import { fullColumnStats, readColumnStats, type StatsRequest } from '../../src/transfer/column-stats.ts';

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
    const requests: StatsRequest[] = ['id', 'n', 'nn', 'r', 's', 'sn', 'mix', 'b', 'd', 'j', 'allnull', 'rowid'].map((name) => ({ name, dates: name === 'd', json: name === 'j' }));
    const narrow = readColumnStats(db, 't', requests.map((r) => ({ ...r, rowidAlias: r.name === 'id' })));
    expect(narrow).toEqual(fullColumnStats(db, 't', requests));
    expect(narrow.columns[0]).toMatchObject({ nonNull: 4, integers: 4, minInteger: 5n, maxInteger: 40n });
    db.close();
  });
});
