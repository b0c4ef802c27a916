import { describe, expect, it } from 'vitest';
import type { SqliteColumn, SqliteSchema, SqliteTable } from '../../../src/sqlite/sqlite-schema.ts';
import { emptyStats, type ColumnStats } from '../../../src/transfer/column-stats.ts';
import { numericType, targetType, type TargetType } from '../../../src/transfer/target-type.ts';
import { createTableSql, planTransfer, retypeColumns, type TableStats } from '../../../src/transfer/transfer-plan.ts';
import type { ValueProblem } from '../../../src/transfer/encode-value.ts';
import { widerType } from '../../../src/transfer/widen-table.ts';

const column = (name: string, declaredType: string, over: Partial<SqliteColumn> = {}): SqliteColumn => ({
  name,
  declaredType,
  notNull: false,
  defaultSql: null,
  primaryKeyPosition: 0,
  generated: false,
  collation: null,
  ...over,
});

const items: SqliteTable = {
  name: 'items',
  sql: 'CREATE TABLE items (...)',
  withoutRowid: false,
  columns: [
    column('id', 'INTEGER', { primaryKeyPosition: 1, notNull: true }),
    column('price', 'NUMERIC(10,2)', { defaultSql: '0' }),
    column('name', 'TEXT', { defaultSql: "'none'" }),
  ],
  primaryKey: ['id'],
  rowidAlias: 'id',
  autoincrement: false,
  foreignKeys: [],
  indexes: [],
  checks: [],
};
const schema: SqliteSchema = { encoding: 'UTF-8', tables: [items], views: [], triggers: [], sequences: new Map() };
const columnStats = (over: Partial<ColumnStats>): ColumnStats => ({ ...emptyStats, ...over });
const stats = new Map<string, TableStats>([
  [
    'items',
    {
      rows: 2,
      columns: [
        columnStats({ nonNull: 2, integers: 2, minInteger: 1n, maxInteger: 2n }),
        columnStats({ nonNull: 2, reals: 2 }),
        columnStats({ nonNull: 2, texts: 2 }),
      ],
    },
  ],
]);
const plan = () => planTransfer(schema, schema.tables, stats, 'public', 'lower', 'binary');

describe('the transfer plan is immutable', () => {
  it('comes frozen, down to its columns and steps', () => {
    const p = plan();
    const table = p.tables[0];
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.tables)).toBe(true);
    expect(Object.isFrozen(table)).toBe(true);
    expect(Object.isFrozen(table?.columns)).toBe(true);
    expect(table?.columns.every((c) => Object.isFrozen(c))).toBe(true);
    expect(Object.isFrozen(p.constraints)).toBe(true);
    expect(p.constraints.every((s) => Object.isFrozen(s))).toBe(true);
    expect(() => {
      (table?.columns[1] as { type: TargetType }).type = targetType('text');
    }).toThrow(TypeError);
  });

  it('widening makes a new planned table and leaves the original plan as it was', () => {
    const p = plan();
    const before = structuredClone(p);
    const original = p.tables[0];
    if (!original) throw new Error('no table planned');
    const widened = retypeColumns(
      original,
      [{ source: 'price', type: numericType(), widened: '12345.678 does not fit numeric(10,2); widened to numeric' }],
      p.mode,
    );
    expect(widened.table).not.toBe(original);
    expect(widened.table.columns.find((c) => c.source === 'price')).toMatchObject({
      type: { sql: 'numeric' },
      widened: expect.stringContaining('widened to numeric'),
      defaultSql: '0',
    });
    // The columns not retyped are the same objects; the table is frozen like the plan.
    expect(widened.table.columns[0]).toBe(original.columns[0]);
    expect(Object.isFrozen(widened.table)).toBe(true);
    expect(Object.isFrozen(widened.table.columns)).toBe(true);
    expect(structuredClone(p)).toEqual(before);
    expect(original.columns.find((c) => c.source === 'price')?.type.sql).toBe('numeric(10,2)');
    expect(createTableSql('public', widened.table, 'binary')).toContain('"price" numeric DEFAULT 0');
    expect(createTableSql('public', original, 'binary')).toContain('"price" numeric(10,2) DEFAULT 0');
  });

  it('derives the default again for the new type, and lists it when it no longer fits', () => {
    const p = plan();
    const original = p.tables[0];
    if (!original) throw new Error('no table planned');
    const retyped = retypeColumns(
      original,
      [
        { source: 'price', type: targetType('bytea'), widened: 'bytes' },
        { source: 'name', type: targetType('integer'), widened: 'a test of a default that cannot follow' },
      ],
      p.mode,
    );
    expect(retyped.table.columns.find((c) => c.source === 'price')?.defaultSql).toBe("'\\x30'::bytea");
    expect(retyped.table.columns.find((c) => c.source === 'name')?.defaultSql).toBe('');
    expect(retyped.untranslatable).toEqual([{ kind: 'default', object: 'items.name', reason: expect.stringContaining('integer') }]);
    expect(original.columns.find((c) => c.source === 'name')?.defaultSql).toBe("'none'");
  });
});

describe('widerType: the next type that holds a value that did not fit', () => {
  const convert: ValueProblem = { type: 'convert', reason: 'does not fit' };
  it.each<[string, TargetType, ValueProblem, string]>([
    ['numeric(p,s) to numeric', numericType(10, 2), convert, 'numeric'],
    ['double to numeric', targetType('double'), convert, 'numeric'],
    ['numeric to text', numericType(), convert, 'text'],
    ['integer to text', targetType('integer'), convert, 'text'],
    ['timestamp to text', targetType('timestamp'), convert, 'text'],
    ['jsonb to text', targetType('jsonb'), convert, 'text'],
    ['text with a NUL byte to bytea', targetType('text'), { type: 'nul' }, 'bytea'],
    ['text with invalid UTF-8 to bytea', targetType('text'), { type: 'utf8' }, 'bytea'],
  ])('%s', (_name, type, problem, expected) => {
    expect(widerType(type, problem).sql).toBe(expected);
  });
});
