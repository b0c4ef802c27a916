import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { qualifiedName, quoteIdentifier, quoteLiteral } from '../../../src/postgres/quote-identifier.ts';
import { tokenizeSql } from '../../../src/sqlite/sql-tokens.ts';
import { mapNames, RelationNames, targetName } from '../../../src/transfer/identifier-mapper.ts';
import { numericType, targetType } from '../../../src/transfer/target-type.ts';
import { translateIndex } from '../../../src/transfer/transfer-plan.ts';
import { translateDefault, translateExpression, translateViewBody } from '../../../src/transfer/translate-expression.ts';

describe('identifiers', () => {
  it.each([
    ['simple', '"simple"'],
    ['Order Details', '"Order Details"'],
    ['select', '"select"'],
    ['a"b', '"a""b"'],
    ['한글', '"한글"'],
  ])('quotes %s as %s', (name, quoted) => expect(quoteIdentifier(name)).toBe(quoted));

  it('quotes literals and qualified names', () => {
    expect(quoteLiteral("it's \\ fine")).toBe("'it''s \\ fine'");
    expect(qualifiedName('my schema', 'T')).toBe('"my schema"."T"');
  });

  it('lower-cases in lower mode and keeps case in preserve mode', () => {
    expect(targetName('InvoiceLine', 'lower')).toBe('invoiceline');
    expect(targetName('InvoiceLine', 'preserve')).toBe('InvoiceLine');
  });

  it('shortens names over 63 bytes with a hash, so two long names stay two', () => {
    const a = targetName('col_very_long_name_that_exceeds_postgresql_identifier_limit_aaax', 'lower');
    const b = targetName('col_very_long_name_that_exceeds_postgresql_identifier_limit_aaay', 'lower');
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
  });

  it('refuses names that collide when lower-cased, naming both and the fix', () => {
    expect(() => mapNames(['Name', 'name'], 'lower', 'table "t"')).toThrow(InputError);
    expect(() => mapNames(['Name', 'name'], 'lower', 'table "t"')).toThrow(/"Name" and "name".*--identifiers preserve/);
    expect(mapNames(['Name', 'name'], 'preserve', 'table "t"').get('name')).toBe('name');
  });

  it('gives indexes and constraints unique names', () => {
    const names = new RelationNames(['t']);
    expect([names.claim('t'), names.claim('t'), names.claim('x')]).toEqual(['t_2', 't_3', 'x']);
  });
});

describe('expressions, defaults and indexes', () => {
  const expr = (sql: string) => translateExpression(tokenizeSql(sql), 'lower');
  it.each([
    ['[Discount]>=(0) AND [Discount]<=(1)', '"discount" >= (0) AND "discount" <= (1)'],
    ["role IN ('user', 'assistant')", `"role" IN ('user', 'assistant')`],
    ["special_features like '%Trailers%'", `"special_features" ILIKE '%Trailers%'`],
    ['a == b', '"a" = "b"'],
    ['a IS NULL', '"a" IS NULL'],
    ['a IS b', '"a" IS NOT DISTINCT FROM "b"'],
    ['ifnull(a, 0) > max(b, c)', 'coalesce("a", 0) > greatest("b", "c")'],
    ['deleted_at ISNULL', '"deleted_at" IS NULL'],
  ])('%s -> %s', (input, output) => expect(expr(input)).toEqual({ ok: true, sql: output }));

  it.each(["name GLOB 'a*'", 'typeof(x) = 1', "strftime('%s', x) > 0"])('refuses %s', (input) => expect(expr(input).ok).toBe(false));

  it.each<[string, ReturnType<typeof targetType>, string | false]>([
    ['CURRENT_TIMESTAMP', targetType('timestamp'), "(now() AT TIME ZONE 'utc')"],
    ["datetime('now')", targetType('timestamp'), "(now() AT TIME ZONE 'utc')"],
    ["(strftime('%Y-%m-%d %H:%M:%f', 'now'))", targetType('timestamp'), "(now() AT TIME ZONE 'utc')"],
    ['current_date', targetType('date'), "((now() AT TIME ZONE 'utc'))::date"],
    ['CURRENT_TIMESTAMP', targetType('text'), "to_char((now() AT TIME ZONE 'utc'), 'YYYY-MM-DD HH24:MI:SS')"],
    ['0', targetType('timestamp'), "'1970-01-01 00:00:00'::timestamp"],
    ["'0'", targetType('text'), "'0'"],
    ['""', targetType('text'), "''"],
    ['1', targetType('boolean'), 'true'],
    ['4.99', numericType(4, 2), '4.99'],
    ["'Y'", targetType('text'), "'Y'"],
    ['NULL', targetType('text'), ''],
    ['-1', targetType('integer'), '-1'],
    ['\'"0"\'', targetType('integer'), false],
    ["X'00ff'", targetType('bytea'), "'\\x00ff'::bytea"],
  ])('DEFAULT %s on %o -> %s', (input, type, output) => {
    const result = translateDefault(input, type, 'lower');
    if (output === false) expect(result.ok).toBe(false);
    else expect(result).toEqual({ ok: true, sql: output });
  });

  it('translates partial and expression indexes', () => {
    expect(translateIndex('CREATE INDEX i ON t (a DESC, lower(b)) WHERE deleted IS NULL', 'lower')).toEqual({
      ok: true,
      columns: '"a" DESC, (lower("b"))',
      where: '"deleted" IS NULL',
    });
    expect(translateIndex('CREATE INDEX i ON t (a COLLATE NOCASE)', 'lower').ok).toBe(false);
  });

  it('translates a view body and keeps its identifiers', () => {
    expect(translateViewBody('CREATE VIEW [v] AS SELECT [a b] FROM [Order Details] WHERE x = 1', 'lower')).toEqual({
      ok: true,
      sql: 'SELECT "a b" FROM "order details" WHERE "x" = 1',
    });
  });
});
