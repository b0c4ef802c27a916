import { describe, expect, it } from 'vitest';
import { emptyStats, type ColumnStats } from '../../../src/transfer/column-stats.ts';
import { declaredFamily, inferColumnType } from '../../../src/transfer/infer-column-type.ts';

const stats = (over: Partial<ColumnStats>): ColumnStats => {
  const s = { ...emptyStats, ...over };
  return { ...s, nonNull: over.nonNull ?? s.integers + s.reals + s.texts + s.blobs };
};

describe('declaredFamily (SQLite affinity rules plus dbops names)', () => {
  it.each([
    ['INTEGER', 'integer'],
    ['INT(5)', 'integer'],
    ['UNSIGNED BIG INT', 'integer'],
    ['smallint unsigned', 'integer'],
    ['NVARCHAR(40)', 'text'],
    ['BLOB SUB_TYPE TEXT', 'text'],
    ['CHAR(1)', 'text'],
    ['', 'blob'],
    ['BLOB', 'blob'],
    ['REAL', 'real'],
    ['"double precision"', 'real'],
    ['FLOAT', 'real'],
    ['NUMERIC(10,2)', 'numeric'],
    ['DECIMAL(5,2)', 'numeric'],
    ['BOOLEAN', 'boolean'],
    ['DATETIME', 'timestamp'],
    ['DATETIME2', 'timestamp'],
    ['TIMESTAMP', 'timestamp'],
    ['DATE', 'date'],
    ['JSON', 'json'],
  ])('%s is %s', (declared, family) => expect(declaredFamily(declared)).toBe(family));
});

describe('inferColumnType: declared type and stored values', () => {
  it.each<[string, Partial<ColumnStats>, string, boolean]>([
    // [declared, stats, PostgreSQL type, widened?]
    ['INTEGER', { integers: 3, minInteger: 1n, maxInteger: 300n }, 'integer', false],
    ['INTEGER', { integers: 3, minInteger: 1n, maxInteger: 3_000_000_000n }, 'bigint', false],
    ['BIGINT', { integers: 3, minInteger: 1n, maxInteger: 3n }, 'bigint', false],
    ['REAL', { reals: 2 }, 'double precision', false],
    ['FLOAT', { reals: 1, integers: 1, minInteger: 1n, maxInteger: 1n }, 'double precision', false],
    ['NUMERIC(10,2)', { reals: 5 }, 'numeric(10,2)', false],
    ['NUMERIC', { reals: 5, integers: 2, minInteger: 1n, maxInteger: 9n }, 'numeric', false],
    ['INTEGER', { reals: 1, integers: 2, minInteger: 1n, maxInteger: 9n }, 'numeric', true],
    ['BOOLEAN', { integers: 4, minInteger: 0n, maxInteger: 1n }, 'boolean', false],
    ['BOOLEAN', { integers: 4, minInteger: 0n, maxInteger: 2n }, 'integer', true],
    ['DATETIME', { texts: 3, dateTexts: 3 }, 'timestamp', false],
    ['DATE', { texts: 3, dateTexts: 3, dateOnlyTexts: 3 }, 'date', false],
    ['DATE', { texts: 3, dateTexts: 3, dateOnlyTexts: 1 }, 'timestamp', true],
    ['DATETIME', { integers: 3, minInteger: 0n, maxInteger: 1_700_000_000n }, 'timestamp', true],
    ['DATETIME', { texts: 2, dateTexts: 1 }, 'text', true],
    ['JSON', { texts: 2, jsonTexts: 2 }, 'jsonb', false],
    ['JSON', { texts: 2, jsonTexts: 1 }, 'text', true],
    ['BLOB', { blobs: 2 }, 'bytea', false],
    ['BLOB', { texts: 2 }, 'text', true],
    ['TEXT', { texts: 2, blobs: 1 }, 'bytea', true],
    ['INTEGER', { texts: 1, integers: 2, minInteger: 5n, maxInteger: 10n }, 'text', true],
    ['', { texts: 1 }, 'text', false],
    ['', {}, 'text', false],
    ['BLOB', {}, 'bytea', false],
    ['NVARCHAR(40)', { texts: 9 }, 'text', false],
  ])('%s holding %o is %s', (declared, over, sql, widened) => {
    const result = inferColumnType(declared, stats(over));
    expect(result.type.sql).toBe(sql);
    expect(result.widened !== undefined).toBe(widened);
  });

  it('makes every rowid alias a bigint (the identity column)', () => {
    expect(inferColumnType('INTEGER', stats({ integers: 1, minInteger: 1n, maxInteger: 1n }), { rowidAlias: true }).type.sql).toBe('bigint');
  });
});
