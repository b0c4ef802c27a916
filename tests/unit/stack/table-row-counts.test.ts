import { describe, expect, it } from 'vitest';
import { compareTableRows, sortTables, totalRows } from '../../../src/stack/table-row-counts.ts';
import { displayName, readQualifiedName } from '../../../src/postgres/sql-identifier.ts';

const t = (schema: string, name: string, rows: number) => ({ schema, name, rows });

describe('compareTableRows', () => {
  it('agrees when every table has the same rows', () => {
    expect(compareTableRows([t('public', 'a', 1), t('public', 'b', 2)], [t('public', 'b', 2), t('public', 'a', 1)]).differences).toEqual([]);
  });

  it('names each table that differs, is missing or is extra', () => {
    expect(
      compareTableRows([t('public', 'a', 1), t('public', 'gone', 5)], [t('public', 'a', 2), t('x', 'New Table', 3)], {
        expected: 'archived',
        actual: 'restored',
      }).differences,
    ).toEqual([
      'public.a: archived 1 rows, restored 2',
      'public.gone: archived 5 rows, but the table is missing from what was restored',
      'x."New Table": not archived, but restored with 3 rows',
    ]);
  });

  it('sorts and totals', () => {
    expect(sortTables([t('b', 'a', 1), t('a', 'z', 2), t('a', 'b', 3)]).map(displayName)).toEqual(['a.b', 'a.z', 'b.a']);
    expect(totalRows([t('a', 'b', 3), t('a', 'c', 4)])).toBe(7);
  });
});

describe('readQualifiedName', () => {
  it.each([
    ['public.t rest', { schema: 'public', name: 't' }, 8],
    ['"a ""b"""."c.d" x', { schema: 'a "b"', name: 'c.d' }, 15],
    ['plain', { schema: '', name: 'plain' }, 5],
  ])('reads %s', (text, name, end) => {
    expect(readQualifiedName(text, 0)).toEqual({ name, end });
  });

  it('gives up on an unterminated quote', () => {
    expect(readQualifiedName('"open.t', 0)).toBeUndefined();
  });
});
