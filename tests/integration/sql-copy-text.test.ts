import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { copyRowsExtension } from '../../src/sqlite/copy-rows-extension.ts';
import { openSqlite, type SqliteDatabase, type SqliteValue } from '../../src/sqlite/sqlite-database.ts';
import type { SqliteTable } from '../../src/sqlite/sqlite-schema.ts';
import { encodeTable, type EncodeCounts } from '../../src/transfer/copy-batches.ts';
import { CopyTextWriter } from '../../src/transfer/copy-text-writer.ts';
import type { SourceValue } from '../../src/transfer/encode-value.ts';
import { jsonbText, jsonbTextFast, jsonbTextParsed } from '../../src/transfer/jsonb-text.ts';
import { describeProblem } from '../../src/transfer/load-table.ts';
import { columnCopySql, copyRowsEntryPoint, rowsCopyArguments, type CopySqlOptions } from '../../src/transfer/sql-copy-text.ts';
import { encodeRow, type RowOrder } from '../../src/transfer/table-rows.ts';
import { numericType, targetType, type TargetKind, type TargetType } from '../../src/transfer/target-type.ts';

/** A value as SQL (so its SQLite storage class is exact) and its parameters. */
type Value = readonly [sql: string, ...params: SqliteValue[]];

const text = (s: string): Value => ['?', s];
const real = (n: number): Value => ['CAST(? AS REAL)', n];
const int = (n: bigint): Value => ['?', n];
const blob = (hex: string): Value => [`x'${hex}'`];
const textFromHex = (hex: string): Value => [`CAST(x'${hex}' AS TEXT)`];

function typeOf(kind: TargetKind): TargetType {
  return kind === 'numeric' ? numericType() : targetType(kind);
}

/** What the JavaScript encoder writes for one value (without the newline), or undefined when it refuses it. */
function javascriptText(db: SqliteDatabase, type: TargetType, value: Value): string | undefined {
  const [sql, ...params] = value;
  const row = db.prepare(`SELECT CASE WHEN typeof(v) = 'text' THEN CAST(v AS BLOB) ELSE v END FROM (SELECT ${sql} AS v)`).getRow(...params) as SourceValue[];
  const writer = new CopyTextWriter(64);
  const problem = encodeRow(writer, row, 0, [{ source: 'v', target: 'v', type }], false, () => undefined);
  return problem ? undefined : writer.take().subarray(0, -1).toString('latin1');
}

/** What SQLite builds for it, or null when it hands the value to JavaScript. */
function sqlText(db: SqliteDatabase, type: TargetType, value: Value, options: CopySqlOptions = {}): string | null {
  const [sql, ...params] = value;
  const expression = columnCopySql(type, 'v', options);
  if (!expression) throw new Error(`no SQL form for ${type.sql}`);
  const row = db.prepare(`SELECT CAST(${expression.sql} AS BLOB) FROM (SELECT ${sql} AS v)`).getRow(...params);
  const out = row?.[0];
  return out === null || out === undefined ? null : (out as Buffer).toString('latin1');
}

/** The extension npm ci builds (the first test below fails when it is missing). */
const extension = copyRowsExtension();

/** What the copy-rows extension builds for it (without the newline), or null when it hands the row to JavaScript. */
function extensionText(db: SqliteDatabase, type: TargetType, value: Value, options: CopySqlOptions = {}): string | null {
  const [sql, ...params] = value;
  const call = rowsCopyArguments([{ type, quoted: 'v', options }]);
  if (!call || !extension) throw new Error(`no extension form for ${type.sql}`);
  db.loadExtension(extension, copyRowsEntryPoint);
  const out = db.prepare(`SELECT dbops_copy_rows('${call.spec}', ${call.values.join(', ')}) FROM (SELECT ${sql} AS v)`).getRow(...params)?.[0] as Buffer;
  return out.equals(Buffer.from([11])) ? null : out.subarray(0, -1).toString('latin1');
}

/**
 * Every value: SQLite's text equals JavaScript's wherever SQLite produces one, and the extension
 * takes exactly the values the SQL expressions take; `fast` lists the values SQLite must handle itself.
 */
function expectSameText(kind: TargetKind, values: readonly Value[], fast: readonly Value[]): void {
  const db = openSqlite(':memory:');
  try {
    const type = typeOf(kind);
    for (const value of [...values, ...fast]) {
      const fromSql = sqlText(db, type, value);
      const label = `${kind} ${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`;
      if (fast.includes(value)) expect(fromSql, label).not.toBeNull();
      if (fromSql !== null) expect(fromSql, label).toBe(javascriptText(db, type, value));
      expect(extensionText(db, type, value), label).toBe(fromSql);
    }
  } finally {
    db.close();
  }
}

/** A deterministic stream of doubles from random bit patterns (every exponent, subnormals and all). */
function* randomDoubles(count: number, seed: number): Generator<number> {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < count; i += 1) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    const value = view.getFloat64(0);
    if (Number.isFinite(value)) yield value;
    // Short decimals too, the values applications actually store.
    yield Number((next() / 1000).toFixed(next() % 6)) * (next() % 2 ? 1 : -1) * 10 ** ((next() % 40) - 20);
  }
}

describe('COPY text built by SQLite equals the JavaScript encoder', () => {
  it('has the copy-rows extension built (npm ci builds it; else run npm run build-extension)', () => {
    expect(extension).toBeDefined();
  });

  it('text: escapes, unicode, empty vs NULL, numbers', () => {
    const fast: Value[] = [
      text(''),
      text('plain'),
      text('\\'),
      text('\t'),
      text('\n'),
      text('\r'),
      text('\b\f\v'),
      text('a\\b\tc\nd\re\\N'),
      text('"quoted" and \'single\''),
      text('안녕하세요, 법률 상담입니다.'),
      text('emoji 😀👍🏽 and U+2028 \u2028 and DEL \u007f and \u0001\u001f'),
      text('x'.repeat(20_000)),
      text('\\'.repeat(3000)),
      int(0n),
      int(-1n),
      int(9223372036854775807n),
      int(-9223372036854775808n),
      ['NULL'],
    ];
    expectSameText('text', [real(1.5), real(3), blob('00ff'), blob('')], fast);
    expectSameText('json', [], fast);
  });

  it('text with a NUL or invalid UTF-8 passes through SQLite unchanged, so the batch check sends it to JavaScript', () => {
    const db = openSqlite(':memory:');
    for (const value of [textFromHex('610062'), textFromHex('ff61'), textFromHex('c328'), textFromHex('eda080')]) {
      const fromSql = Buffer.from(sqlText(db, targetType('text'), value) ?? '', 'latin1');
      expect(javascriptText(db, targetType('text'), value)).toBeUndefined();
      expect(fromSql.includes(0) || !isUtf8(fromSql)).toBe(true);
    }
    db.close();
  });

  it('integers: every width and its bounds', () => {
    expectSameText('bigint', [real(3), text('12')], [int(0n), int(9223372036854775807n), int(-9223372036854775808n), ['NULL']]);
    expectSameText('integer', [int(2147483648n), int(-2147483649n), real(7)], [int(2147483647n), int(-2147483648n), int(42n)]);
    expectSameText('smallint', [int(32768n), int(-32769n)], [int(32767n), int(-32768n)]);
    expectSameText('boolean', [int(2n), int(-1n), real(1), real(0), text('t')], [int(0n), int(1n), ['NULL']]);
  });

  it('bytea: blobs, text and numbers as their bytes', () => {
    expectSameText('bytea', [], [blob(''), blob('00ff10abcdef'), text('abc'), text('한'), int(42n), int(-7n), ['NULL']]);
  });

  it('double precision: shortest exact text, or JavaScript', () => {
    const edge = [
      0.1,
      0.2,
      1 / 3,
      2 / 3,
      100,
      -2.5,
      1e308,
      1.7976931348623157e308,
      -1.7976931348623157e308,
      2.2250738585072014e-308,
      5e-324,
      4.9e-324,
      1e-310,
      1e15,
      1e14,
      999999999999999,
      123456789012345680,
      1e16,
      1e21,
      1e-4,
      1e-5,
      0.00012345,
      123456.789,
      9007199254740993,
      0,
      -0,
      Infinity,
      -Infinity,
    ];
    const values = [...edge, ...randomDoubles(20_000, 7)].map(real);
    expectSameText(
      'double',
      [...values, int(1000000000000000n), int(-9223372036854775808n)],
      [real(0.1), real(1e308), real(-2.5), real(1e-5), int(0n), int(-999999999999999n), ['NULL']],
    );
  });

  it('timestamps and dates: the ISO form is kept, everything else goes to JavaScript', () => {
    const fast: Value[] = [
      text('2025-01-01 10:00:00'),
      text('2025-01-01T10:00:00'),
      text('2024-02-29 23:59:59'),
      text('0001-01-01 00:00:00'),
      text('9999-12-31 23:59:59'),
      text('2024-01-31 20:00:00'),
      text('2024-04-30 19:59:59'),
      text('2000-02-29 23:00:00'),
      ['NULL'],
    ];
    const others = [
      '2023-02-29 00:00:00',
      '2024-04-31 10:00:00',
      '0000-01-01 00:00:00',
      '2024-01-01 24:00:00',
      '2024-01-01 23:60:00',
      '2024-01-01 23:59:60',
      '2024-01-01t10:00:00',
      '2024-01-01 10:00:00.5',
      '2024-01-01 10:00:00Z',
      '2024-01-01 10:00:00+09:00',
      '2024-01-01',
      '2024-1-01 10:00:00',
      ' 2024-01-01 10:00:00',
      '2024-13-01 10:00:00',
      '2024-00-10 10:00:00',
      '2024-01-00 10:00:00',
      '２０２４-01-01 10:00:00',
      '2100-02-29 10:00:00',
      '2024-06-31 10:00:00',
      '2024-01-32 10:00:00',
      '2024-01-01 2a:00:00',
      '2024-01-01 30:00:00',
      '2024-01-01 10:00:00 ',
    ].map(text);
    let state = 11;
    const digit = () => {
      state = (state * 48271) % 2147483647;
      return String(state % 10);
    };
    const random = Array.from({ length: 3000 }, () =>
      text(`${digit()}${digit()}${digit()}${digit()}-${digit()}${digit()}-${digit()}${digit()} ${digit()}${digit()}:${digit()}${digit()}:${digit()}${digit()}`),
    );
    // The ISO text as a blob is a blob: JavaScript decides what it becomes.
    expectSameText(
      'timestamp',
      [...others, ...random, int(1700000000n), int(1700000000123n), real(2460000.5), blob(Buffer.from('2025-01-01 10:00:00').toString('hex'))],
      fast,
    );
    expectSameText('timestamptz', others, fast);
    expectSameText('date', ['2023-02-29', '0000-01-01', '2024-13-01', '2024-1-1', '2024-01-01 10:00:00'].map(text), [
      text('2024-02-29'),
      text('0001-01-01'),
      text('9999-12-31'),
      ['NULL'],
    ]);
  });
});

describe('COPY text for a table planned from its declared types', () => {
  it('takes only the kind of value the type was assumed for, and no NULL in a key column', () => {
    const db = openSqlite(':memory:');
    try {
      const assumed = { assumed: true };
      const key = { assumed: true, key: true };
      // Taken: the promised kind, and NULL outside keys.
      expect(sqlText(db, targetType('text'), text('a\tb'), assumed)).toBe('a\\tb');
      expect(sqlText(db, targetType('text'), ['NULL'], assumed)).toBe('\\N');
      expect(sqlText(db, targetType('jsonb'), text('{}'), assumed)).not.toBeNull();
      expect(sqlText(db, targetType('timestamp'), text('2024-01-01 10:00:00'), key)).toBe('2024-01-01 10:00:00');
      expect(sqlText(db, targetType('integer'), int(7n), key)).toBe('7');
      // Refused (the row goes to JavaScript, where the load stops): other kinds, and NULL keys.
      expect(sqlText(db, targetType('text'), int(1n), assumed)).toBeNull();
      expect(sqlText(db, targetType('text'), int(1n))).toBe('1');
      expect(sqlText(db, targetType('jsonb'), blob('7b7d'), assumed)).toBeNull();
      expect(sqlText(db, targetType('jsonb'), blob('7b7d'))).not.toBeNull();
      for (const kind of ['text', 'integer', 'bigint', 'boolean', 'timestamp', 'date', 'jsonb'] as const) {
        expect(sqlText(db, targetType(kind), ['NULL'], key), kind).toBeNull();
        expect(sqlText(db, targetType(kind), ['NULL'], assumed), kind).toBe('\\N');
      }
      // The extension takes and refuses the same (jsonb it writes normalised, where SQL leaves that to JavaScript).
      const cases: [TargetKind, Value, CopySqlOptions][] = [
        ['text', text('a\tb'), assumed],
        ['text', ['NULL'], assumed],
        ['jsonb', text('{}'), assumed],
        ['timestamp', text('2024-01-01 10:00:00'), key],
        ['integer', int(7n), key],
        ['text', int(1n), assumed],
        ['text', int(1n), {}],
        ['jsonb', blob('7b7d'), assumed],
        ['jsonb', blob('7b7d'), {}],
        ...(['text', 'integer', 'bigint', 'boolean', 'timestamp', 'date', 'jsonb', 'double', 'bytea'] as const).flatMap(
          (kind): [TargetKind, Value, CopySqlOptions][] => [
            [kind, ['NULL'], key],
            [kind, ['NULL'], assumed],
          ],
        ),
      ];
      for (const [kind, value, options] of cases) {
        const [fromExtension, fromSql] = [extensionText(db, typeOf(kind), value, options), sqlText(db, typeOf(kind), value, options)];
        const label = `${kind} ${String(value)} ${JSON.stringify(options)}`;
        if (kind === 'jsonb') expect(fromExtension === null, label).toBe(fromSql === null);
        else expect(fromExtension, label).toBe(fromSql);
      }
    } finally {
      db.close();
    }
  });
});

const documents = [
  '{"source":"web"}',
  '{"model":"x","tokens":608,"citations":3}',
  '{"b":1,"a":2,"aa":3,"ab":[1,2,{"z":null,"y":true}]}',
  '{"a":1,"a":2}',
  '{"tags":["자문"],"locale":"ko-KR"}',
  '{"é":1,"z":2}',
  '{"한":1,"b":2}',
  '[]',
  '{}',
  '[1, 2 ,3]',
  ' {"a" : "b"} ',
  '"just text"',
  'true',
  'null',
  '-0',
  '0',
  '123456789012345',
  '1234567890123456',
  '1.0',
  '1e2',
  '-1.50',
  '{"n":1E+2}',
  '{"s":"line\\nbreak \\"q\\" back\\\\slash \\/ tab\\t"}',
  '{"u":"\\u0041"}',
  '{"zero":"\\u0000"}',
  '{"lone":"\\ud800"}',
  '{"pair":"\\ud83d\\ude00"}',
  '{"emoji":"😀"}',
  '{"ctl":"\u0001"}',
  '{"__proto__":1,"constructor":2}',
  '{"1":1,"10":2,"2":3}',
  'nope',
  '{"a":1,}',
  "{'a':1}",
  '{"a":01}',
  '',
  '[1,2',
  '{"deep":[[[[["x"]]]]]}',
];

describe('jsonb normalisation: the JSON.parse fast path equals the full parser', () => {
  it.each(documents)('%s', (document) => {
    const fast = jsonbTextFast(document);
    if (fast !== undefined) expect(fast).toBe(jsonbTextParsed(document));
    expect(jsonbText(document)).toBe(jsonbTextParsed(document));
  });
});

/** What the extension writes for a jsonb document: the COPY text of its jsonb form, or undefined when it leaves it to JavaScript. */
function extensionJsonb(db: SqliteDatabase, document: string): string | undefined {
  const out = extensionText(db, targetType('jsonb'), text(document));
  return out === null || out.charCodeAt(0) === 12 ? undefined : Buffer.from(out, 'latin1').toString('utf8');
}

/** The COPY text JavaScript writes for a jsonb document. */
function javascriptJsonb(document: string): string | undefined {
  const normal = jsonbText(document);
  if (normal === undefined) return undefined;
  const writer = new CopyTextWriter(64);
  writer.escapedText(normal);
  return writer.take().toString('utf8');
}

/** Random JSON as applications write it: compact or spaced, keys in any order, escapes, numbers of every form. */
function* randomDocuments(count: number, seed: number): Generator<string> {
  let state = seed;
  const next = (n: number) => {
    state = (state * 48271) % 2147483647;
    return state % n;
  };
  const pick = <T>(list: readonly T[]): T => list[next(list.length)] as T;
  const keys = ['a', 'b', 'id', 'ab', 'ba', 'model', 'tokens', 'é', '한', 'Z', 'z', 'aa', 'source', 'tags', 'x y', ''];
  const strings = ['', 'web', '법률', 'line\\nbreak', 'tab\\t', 'q\\"q', 'back\\\\slash', 'slash\\/', '\\u0041', 'emoji 😀', 'a\\bb\\fc\\rd'];
  const numbers = ['0', '1', '-1', '608', '1.50', '0.0', '-0', '-0.0', '1e2', '1E+2', '-2.5e-3', '12345678901234567890', '3.14159265358979323846', '-0.001'];
  const value = (depth: number): string => {
    const kind = depth > 3 ? next(4) : next(7);
    if (kind === 0) return `"${pick(strings)}"`;
    if (kind === 1) return pick(numbers);
    if (kind === 2) return pick(['true', 'false', 'null']);
    if (kind === 3) return `"${pick(strings)}"`;
    if (kind === 4) return `[${Array.from({ length: next(4) }, () => value(depth + 1)).join(pick([',', ', ', ' , ']))}]`;
    const members = Array.from({ length: next(6) }, () => `"${pick(keys)}"${pick([':', ': ', ' : '])}${value(depth + 1)}`);
    return `{${members.join(pick([',', ', ']))}}`;
  };
  for (let i = 0; i < count; i += 1) yield pick(['', ' ', '\n']) + value(0) + pick(['', ' ', '\t']);
}

describe('jsonb built by the extension equals JavaScript', () => {
  it('writes what JavaScript writes for every document it takes, and takes the usual ones', () => {
    const db = openSqlite(':memory:');
    try {
      for (const document of [...documents, ...randomDocuments(20_000, 3)]) {
        const fromExtension = extensionJsonb(db, document);
        if (fromExtension !== undefined) expect(fromExtension, document).toBe(javascriptJsonb(document));
      }
      const usual = [
        '{"source":"web"}',
        '{"model":"x","tokens":608,"citations":3}',
        '{"tags":["자문"],"locale":"ko-KR"}',
        '{"b":1,"a":[null,true,{"z":1.50}]}',
        '[]',
        '{}',
        '"text"',
        '-1.5',
      ];
      for (const document of usual) expect(extensionJsonb(db, document), document).toBe(javascriptJsonb(document));
      // Left to JavaScript: duplicate keys, \u escapes, exponents, negative zero, invalid JSON.
      for (const document of ['{"a":1,"a":2}', '{"u":"\\u0041"}', '{"n":1E+2}', '-0', '{"a":1,}', 'nope', ''])
        expect(extensionJsonb(db, document), document).toBeUndefined();
    } finally {
      db.close();
    }
  });
});

/**
 * A whole table through encodeTable three times: by the extension, by the SQL expressions and by
 * JavaScript. The bytes must match; `counts` are the extension's.
 */
function encodeBoth(db: SqliteDatabase, table: SqliteTable, kinds: readonly TargetKind[], order: RowOrder): { sql: string; js: string; counts: EncodeCounts } {
  const columns = table.columns.map((c, i) => ({ source: c.name, target: c.name, type: typeOf(kinds[i] as TargetKind) }));
  const run = (encoder: 'extension' | 'sql' | 'javascript', counts: EncodeCounts) =>
    Buffer.concat(
      [
        ...encodeTable({
          db,
          table,
          columns,
          order,
          utf8: true,
          replaceInvalid: false,
          onReplace: () => undefined,
          onProblem: (problem) => `!${describeProblem(problem.problem)}`,
          counts,
          javascriptOnly: encoder === 'javascript',
          ...(encoder === 'extension' && extension ? { extension } : {}),
        }),
      ].map((b) => b.bytes),
    ).toString('utf8');
  const counts = { sqlRows: 0, jsRows: 0 };
  const [withExtension, sql, js] = [run('extension', counts), run('sql', { sqlRows: 0, jsRows: 0 }), run('javascript', { sqlRows: 0, jsRows: 0 })];
  expect(withExtension === sql, 'the extension writes what the SQL expressions write').toBe(true);
  return { sql, js, counts };
}

function table(name: string, columns: readonly string[], primaryKey: readonly string[] = []): SqliteTable {
  return {
    name,
    columns: columns.map((c) => ({ name: c, declaredType: '', notNull: false, defaultSql: null, collation: null, generated: false })),
    primaryKey,
    rowidAlias: null,
    withoutRowid: false,
    indexes: [],
    checks: [],
    foreignKeys: [],
  } as unknown as SqliteTable;
}

describe('encodeTable: SQLite batches equal the row-by-row encoder', () => {
  it('many batches of clean rows go through SQLite, byte for byte the same', () => {
    const db = openSqlite(':memory:');
    db.exec('CREATE TABLE m (t TEXT, n INTEGER, d REAL, ts TEXT, j TEXT, b BLOB, f INTEGER)');
    const insert = db.prepare('INSERT INTO m VALUES (?, ?, CAST(? AS REAL), ?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 5000; i += 1) {
        insert.run(
          i % 7 === 0 ? null : `행 ${i}\t탭\\백슬래시\n줄 😀 ${'가'.repeat(i % 50)}`,
          BigInt(i) * 1_000_003n - 2_000_000n,
          i % 3 === 0 ? null : i / 8,
          `2025-0${1 + (i % 9)}-1${i % 10} 0${i % 10}:3${i % 6}:5${i % 10}`,
          i % 5 === 0 ? null : JSON.stringify({ tokens: i, model: 'm', tags: ['자문', i % 2 === 0], nested: { b: 1, a: [null] } }),
          Buffer.from([i & 255, 0, 10, 92]),
          i % 2,
        );
      }
    });
    const kinds: TargetKind[] = ['text', 'bigint', 'double', 'timestamp', 'jsonb', 'bytea', 'boolean'];
    const { sql, js, counts } = encodeBoth(db, table('m', ['t', 'n', 'd', 'ts', 'j', 'b', 'f']), kinds, {
      key: ['rowid'],
      ordered: false,
      sortExpressions: ['rowid'],
    });
    expect(sql).toBe(js);
    expect(counts).toEqual({ sqlRows: 5000, jsRows: 0 });
    db.close();
  });

  it('batches holding values SQLite cannot encode (reals in text, epochs, NUL, bad UTF-8, bad JSON) fall back and still match', () => {
    const db = openSqlite(':memory:');
    db.exec('CREATE TABLE m (id INTEGER PRIMARY KEY, t TEXT, ts TEXT, j TEXT)');
    const insert = db.prepare('INSERT INTO m VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= 3000; i += 1) insert.run(BigInt(i), `row ${i}`, '2025-01-01 00:00:00', '{"a":1}');
    });
    db.exec(`
      UPDATE m SET t = 1.5 WHERE id = 10;
      UPDATE m SET ts = 1700000000 WHERE id = 700;
      UPDATE m SET t = 'nul' || char(0) || 'inside' WHERE id = 1500;
      UPDATE m SET t = CAST(x'ff61' AS TEXT) WHERE id = 2100;
      UPDATE m SET j = '{"a":1.50,"b":"\\u00e9"}' WHERE id = 2500;
      UPDATE m SET j = 'not json' WHERE id = 2900;
    `);
    const { sql, js, counts } = encodeBoth(db, table('m', ['id', 't', 'ts', 'j'], ['id']), ['bigint', 'text', 'timestamp', 'jsonb'], {
      key: ['id'],
      ordered: true,
      sortExpressions: ['"id"'],
    });
    expect(sql).toBe(js);
    expect(sql).toContain('!text holds a NUL byte');
    expect(sql).toContain('!text is not valid UTF-8');
    expect(sql).toContain('{"a": 1.50, "b": "é"}');
    expect(counts.sqlRows).toBeGreaterThan(0);
    expect(counts.jsRows).toBeGreaterThan(0);
    expect(counts.sqlRows + counts.jsRows).toBe(3000);
    db.close();
  });

  it('text keys and composite keys page through every row once', () => {
    const db = openSqlite(':memory:');
    db.exec('CREATE TABLE k (a TEXT NOT NULL, b INTEGER NOT NULL, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO k VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 2500; i += 1) insert.run(`key ${i % 37} 한`, BigInt(i), `value ${i}`);
    });
    const order: RowOrder = { key: ['a', 'b'], ordered: true, sortExpressions: ['"a" COLLATE BINARY', '"b"'] };
    const { sql, js, counts } = encodeBoth(db, table('k', ['a', 'b', 'v'], ['a', 'b']), ['text', 'bigint', 'text'], order);
    expect(sql).toBe(js);
    expect(sql.split('\n').length - 1).toBe(2500);
    expect(counts.sqlRows).toBe(2500);
    db.close();
  });
});
