import type { TargetType } from './target-type.ts';

/**
 * SQLite expressions that build a value's COPY text inside SQLite, so a batch of thousands of rows
 * reaches JavaScript as one Buffer instead of one call per value. Each expression yields exactly the
 * bytes `encodeValue` writes, or SQL NULL when the value needs the JavaScript encoder (the caller
 * then encodes that batch in JavaScript). Values needing JavaScript: anything whose text is not a
 * pure function SQLite can compute exactly (reals in text columns, epoch timestamps, numerics).
 *
 * Bytes that never appear raw in the produced text: 8, 11, 12 and 13 (text escapes them; numbers,
 * hex and ISO times are ASCII), so 11 marks a row for JavaScript and 12 starts a jsonb value that
 * JavaScript normalises. NUL and invalid UTF-8 pass through untouched: the caller checks the batch.
 */
export interface ColumnCopySql {
  /** The expression; NULL means "encode this row in JavaScript". */
  readonly sql: string;
  /** jsonb: the expression yields byte 12, the raw JSON's byte length, ':' and the raw JSON. */
  readonly rawJson: boolean;
}

/** Marks a row (in place of its line) that JavaScript must encode. */
export const rowMarker = 11;
/** Starts a raw jsonb value inside a line: `\x0c<byte length>:<raw JSON>`. */
export const jsonMarker = 12;

const nullText = `'\\N'`;

/** COPY escapes for text, the ones PostgreSQL itself writes: \\ \b \f \n \r \t \v. */
export function escapeSql(q: string): string {
  const pairs: [string, string][] = [
    [`'\\'`, `'\\\\'`],
    ['char(8)', `'\\b'`],
    ['char(9)', `'\\t'`],
    ['char(10)', `'\\n'`],
    ['char(11)', `'\\v'`],
    ['char(12)', `'\\f'`],
    ['char(13)', `'\\r'`],
  ];
  // The backslash goes first, so the escapes added after it are not escaped again.
  const replaced = pairs.reduce((inner, [from, to]) => `replace(${inner}, ${from}, ${to})`, q);
  // json_quote grows a text exactly when it holds a quote, a backslash or a control byte: one cheap
  // pass that skips the seven replace() calls for the usual text that needs none.
  return `CASE WHEN octet_length(json_quote(${q})) = octet_length(${q}) + 2 THEN ${q} ELSE ${replaced} END`;
}

const integerBounds: Partial<Record<TargetType['kind'], readonly [string, string]>> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
};

/**
 * How strict an expression is. A table planned from its declared types alone (no statistics scan,
 * see assumedStats) takes only values of the kind its types were chosen for; any other value,
 * and a NULL in a primary key column, hands the row to JavaScript, where the load stops and the
 * table is scanned and planned from its values instead.
 */
export interface CopySqlOptions {
  readonly assumed?: boolean;
  /** A primary key column of an assumed table: NULL is not taken either (it would change the key order). */
  readonly key?: boolean;
}

/**
 * The COPY text expression for one column (q is the quoted SQLite column), or undefined when this
 * type has no SQL encoding and the whole table goes through JavaScript.
 */
export function columnCopySql(type: TargetType, q: string, options: CopySqlOptions = {}): ColumnCopySql | undefined {
  const sql = (text: string): ColumnCopySql => ({ sql: text, rawJson: false });
  const nullCase = options.key ? '' : ` WHEN 'null' THEN ${nullText}`;
  const ifNull = options.key ? '' : `WHEN ${q} IS NULL THEN ${nullText} `;
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint': {
      const bounds = integerBounds[type.kind];
      const integer = bounds ? `CASE WHEN ${q} BETWEEN ${bounds[0]} AND ${bounds[1]} THEN CAST(${q} AS TEXT) END` : `CAST(${q} AS TEXT)`;
      return sql(`CASE typeof(${q}) WHEN 'integer' THEN ${integer}${nullCase} END`);
    }
    case 'boolean':
      return sql(`CASE typeof(${q}) WHEN 'integer' THEN CASE ${q} WHEN 0 THEN 'f' WHEN 1 THEN 't' END${nullCase} END`);
    case 'text':
    case 'json': {
      const integer = options.assumed ? '' : ` WHEN 'integer' THEN CAST(${q} AS TEXT)`;
      return sql(`CASE typeof(${q}) WHEN 'text' THEN ${escapeSql(q)}${integer}${nullCase} END`);
    }
    case 'bytea':
      return sql(
        `CASE typeof(${q}) WHEN 'blob' THEN '\\\\x' || lower(hex(${q})) ` +
          `WHEN 'text' THEN '\\\\x' || lower(hex(${q})) ` +
          `WHEN 'integer' THEN '\\\\x' || lower(hex(CAST(${q} AS TEXT))) WHEN 'null' THEN ${nullText} END`,
      );
    case 'double': {
      // %.15g is exact and shortest whenever it reads back as the same double: any double whose
      // shortest form has at most 15 digits prints as those digits (DBL_DIG). Subnormals, zero
      // (SQLite prints -0 as 0), infinities and 16-17 digit values go to JavaScript.
      const real =
        `CASE WHEN abs(${q}) >= 2.2250738585072014e-308 AND abs(${q}) <= 1.7976931348623157e308 ` +
        `AND CAST(printf('%.15g', ${q}) AS REAL) = ${q} THEN printf('%.15g', ${q}) END`;
      const integer = `CASE WHEN ${q} > -1000000000000000 AND ${q} < 1000000000000000 THEN CAST(${q} AS TEXT) END`;
      return sql(`CASE typeof(${q}) WHEN 'real' THEN ${real} WHEN 'integer' THEN ${integer} WHEN 'null' THEN ${nullText} END`);
    }
    case 'timestamp':
    case 'timestamptz': {
      // The common stored form, 'YYYY-MM-DD HH:MM:SS', is its own PostgreSQL text. SQLite's
      // datetime() gives back exactly that text only for a date and time in that form (it rolls
      // 02-30 over, refuses minute 60, converts offsets), and never for a number or a blob. It
      // keeps hour 24, which PostgreSQL reads as the next day, and year 0000, which PostgreSQL
      // refuses: both go to JavaScript. The same with a T between date and time, written with a space.
      const valid = `${q} >= '0001' AND substr(${q}, 12, 2) <> '24'`;
      return sql(
        `CASE ${ifNull}WHEN datetime(${q}) = ${q} AND ${valid} THEN ${q} ` +
          `WHEN substr(${q}, 11, 1) = 'T' AND datetime(${q}) = substr(${q}, 1, 10) || ' ' || substr(${q}, 12) AND ${valid} THEN datetime(${q}) END`,
      );
    }
    case 'date':
      return sql(`CASE ${ifNull}WHEN date(${q}) = ${q} AND ${q} >= '0001' THEN ${q} END`);
    case 'jsonb': {
      const kinds = options.assumed ? `typeof(${q}) = 'text'` : `typeof(${q}) IN ('text', 'blob')`;
      return {
        sql: `CASE ${ifNull}WHEN ${kinds} THEN char(12) || octet_length(${q}) || ':' || ${q} END`,
        rawJson: true,
      };
    }
    case 'numeric':
      return undefined;
  }
}

/** A column as the SQL builders below take it: its type, its quoted SQLite name, how strict to be. */
export interface SqlColumn {
  readonly type: TargetType;
  readonly quoted: string;
  readonly options?: CopySqlOptions;
}

/** One line of COPY text for a row, or NULL when any column needs JavaScript; undefined when a type has no SQL form. */
export function lineCopySql(columns: readonly SqlColumn[]): { sql: string; rawJson: boolean } | undefined {
  const parts: string[] = [];
  let rawJson = false;
  for (const column of columns) {
    const part = columnCopySql(column.type, column.quoted, column.options);
    if (!part) return undefined;
    parts.push(part.sql);
    rawJson ||= part.rawJson;
  }
  return { sql: `${parts.join(' || char(9) || ')} || char(10)`, rawJson };
}

/** The name dbops_copy_rows is registered under when src/sqlite/copy-rows.c is loaded. */
export const copyRowsEntryPoint = 'sqlite3_dbopscopyrows_init';

/** Kinds copy-rows.c encodes itself; the others reach it as the COPY text of their SQL expression ('r'). */
const copyRowsKinds: Partial<Record<TargetType['kind'], string>> = {
  bigint: 'l',
  integer: 'i',
  smallint: 's',
  boolean: 'b',
  text: 't',
  json: 't',
  timestamp: 'm',
  timestamptz: 'm',
  date: 'd',
  jsonb: 'j',
};

/** SQLite takes at least this many arguments per function call (older versions exactly). */
const maxFunctionArguments = 127;

/**
 * The arguments of `dbops_copy_rows(spec, value...)` (see copy-rows.c): the spec and one expression
 * per column, together encoding exactly what lineCopySql encodes. Undefined when a type has no SQL
 * form, or the table has more columns than a function takes.
 */
export function rowsCopyArguments(columns: readonly SqlColumn[]): { spec: string; values: string[]; rawJson: boolean } | undefined {
  if (columns.length + 1 > maxFunctionArguments) return undefined;
  let spec = '';
  const values: string[] = [];
  for (const column of columns) {
    const kind = copyRowsKinds[column.type.kind];
    const expression = kind ? undefined : columnCopySql(column.type, column.quoted, column.options);
    if (!kind && !expression) return undefined;
    spec += (kind ?? 'r') + (column.options?.key ? 'k' : column.options?.assumed ? 'a' : '-');
    values.push(expression ? expression.sql : column.quoted);
  }
  return { spec, values, rawJson: columns.some((c) => c.type.kind === 'jsonb') };
}
