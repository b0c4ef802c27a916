import { quoteIdentifier } from '../postgres/quote-identifier.ts';
import type { SqliteDatabase, SqliteValue } from '../sqlite/sqlite-database.ts';
import { rowidName, type SqliteTable } from '../sqlite/sqlite-schema.ts';
import type { ColumnStats } from './column-stats.ts';
import type { CopyTextWriter } from './copy-text-writer.ts';
import { encodeValue, replaceInvalidText, type SourceValue, type ValueProblem } from './encode-value.ts';
import type { TargetType } from './target-type.ts';

/** One column as it is read from SQLite and written for PostgreSQL. */
export interface RowColumn {
  readonly source: string;
  readonly target: string;
  readonly type: TargetType;
}

/** How a table is read: in an order PostgreSQL can reproduce (digest of the stream) or not (digest per row). */
export interface RowOrder {
  /** SQLite columns to page and sort by; ['rowid'] or the primary key. */
  readonly key: readonly string[];
  /**
   * True when PostgreSQL can return the rows in the same order: as stored, since they were loaded
   * in this order, and ORDER BY the primary key (`byKey`, when the rows are read in rowid order).
   */
  readonly ordered: boolean;
  /** The key as SQLite sorts it: text keys bytewise, whatever their declared collation. */
  readonly sortExpressions: readonly string[];
  /** An ordered table read in rowid order: its primary key order, for comparing key by key. */
  readonly byKey?: RowOrder;
}

const keyKinds = new Set(['smallint', 'integer', 'bigint', 'text', 'bytea']);

/**
 * The order to read a table in. Primary key order only when both databases sort the key the same
 * way: integer, text (bytewise) or blob keys, every value of one kind, none NULL.
 */
export function rowOrder(table: SqliteTable, columns: readonly RowColumn[], stats: readonly ColumnStats[], rows: number): RowOrder {
  const sortable =
    table.primaryKey.length > 0 &&
    table.primaryKey.every((name) => {
      const index = table.columns.findIndex((c) => c.name === name);
      const column = columns[index];
      const s = stats[index];
      if (!column || !s || !keyKinds.has(column.type.kind) || s.nonNull !== rows) return false;
      if (column.type.kind === 'text') return s.texts === rows;
      if (column.type.kind === 'bytea') return s.blobs === rows;
      return s.integers === rows;
    });
  const sortExpressions = table.primaryKey.map((name) => {
    const index = table.columns.findIndex((c) => c.name === name);
    const integers = (stats[index]?.integers ?? 0) === rows && !table.withoutRowid && name === table.rowidAlias;
    return integers ? quoteIdentifier(name) : `${quoteIdentifier(name)} COLLATE BINARY`;
  });
  const rowid = rowidName(table) ?? 'rowid';
  if (sortable) {
    const byKey = { key: table.primaryKey, ordered: true, sortExpressions };
    // A rowid table whose key is not the rowid reads several times faster in rowid order than
    // through the key's index (a lookup per row): it is loaded, so PostgreSQL stores it, that way.
    if (table.withoutRowid || (table.primaryKey.length === 1 && table.primaryKey[0] === table.rowidAlias)) return byKey;
    return { key: [rowid], ordered: true, sortExpressions: [rowid], byKey };
  }
  if (table.withoutRowid) return { key: table.primaryKey, ordered: false, sortExpressions };
  return { key: [rowid], ordered: false, sortExpressions: [rowid] };
}

/** `SELECT key..., value... FROM table`: the row shape readTableRows yields; text is read as bytes in UTF-8 databases. */
export function rowsSelect(table: SqliteTable, columns: readonly RowColumn[], order: RowOrder, utf8: boolean): string {
  const values = columns.map((c) => {
    const q = quoteIdentifier(c.source);
    return utf8 ? `CASE WHEN typeof(${q}) = 'text' THEN CAST(${q} AS BLOB) ELSE ${q} END` : q;
  });
  return `SELECT ${[...order.key.map(quoteIdentifier), ...values].join(', ')} FROM ${quoteIdentifier(table.name)}`;
}

/**
 * Reads a table in batches by key (keyset paging), so no statement stays open between batches and
 * memory holds one batch. Each row is [key values..., column values...]; text arrives as bytes.
 */
export function* readTableRows(
  db: SqliteDatabase,
  table: SqliteTable,
  columns: readonly RowColumn[],
  order: RowOrder,
  utf8: boolean,
): Generator<SourceValue[][]> {
  const keys = order.sortExpressions;
  const from = rowsSelect(table, columns, order, utf8);
  const orderBy = `ORDER BY ${keys.join(', ')}`;
  const first = db.prepare(`${from} ${orderBy} LIMIT ?`);
  const next = db.prepare(`${from} WHERE (${keys.join(', ')}) > (${order.key.map(() => '?').join(', ')}) ${orderBy} LIMIT ?`);
  // Without a unique key, paging by value could skip rows; such tables are read in one pass.
  const pageable = order.key.length > 0;
  let batch = 2000;
  let last: SqliteValue[] | undefined;
  for (;;) {
    const keyCount = order.key.length;
    const rows =
      last === undefined ? (pageable ? allRows(first, keyCount, batch) : allRows(db.prepare(from), keyCount, undefined)) : allRows(next, keyCount, batch, last);
    if (rows.length > 0) yield rows;
    if (!pageable || rows.length < batch) return;
    last = (rows[rows.length - 1] as SqliteValue[]).slice(0, keyCount);
    // Aim for batches of about 4 MiB of values, whatever the row size.
    batch = Math.min(20_000, Math.max(100, Math.round((batch * 4_194_304) / Math.max(1, approximateBytes(rows)))));
  }
}

/** The rows with keys after `after` (exclusive) up to `upTo` (inclusive), either bound optional, in key order. */
export function readRangeRows(
  db: SqliteDatabase,
  table: SqliteTable,
  columns: readonly RowColumn[],
  order: RowOrder,
  utf8: boolean,
  after: readonly SqliteValue[] | undefined,
  upTo: readonly SqliteValue[] | undefined,
): SourceValue[][] {
  const statement = db.prepare(
    `${rowsSelect(table, columns, order, utf8)} ${keyRangeWhere(order, after !== undefined, upTo !== undefined)} ORDER BY ${order.sortExpressions.join(', ')}`,
  );
  return allRows(statement, order.key.length, undefined, [...(after ?? []), ...(upTo ?? [])]);
}

/** `WHERE (keys) > (?...) AND (keys) <= (?...)`, with either side left out. */
export function keyRangeWhere(order: RowOrder, after: boolean, upTo: boolean): string {
  const keys = `(${order.sortExpressions.join(', ')})`;
  const params = `(${order.key.map(() => '?').join(', ')})`;
  const conditions = [...(after ? [`${keys} > ${params}`] : []), ...(upTo ? [`${keys} <= ${params}`] : [])];
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** Key values stay as SQLite gave them (they are bound again for the next page); text values become bytes. */
function allRows(statement: ReturnType<SqliteDatabase['prepare']>, keyCount: number, limit: number | undefined, after: SqliteValue[] = []): SourceValue[][] {
  const rows: SourceValue[][] = [];
  for (const row of statement.iterateRows(...after, ...(limit === undefined ? [] : [limit]))) {
    for (let i = keyCount; i < row.length; i += 1) {
      const value = row[i];
      if (typeof value === 'string') row[i] = Buffer.from(value, 'utf8');
    }
    rows.push(row as SourceValue[]);
  }
  return rows;
}

function approximateBytes(rows: readonly SourceValue[][]): number {
  let bytes = 0;
  for (const row of rows) for (const value of row) bytes += Buffer.isBuffer(value) ? value.length : 8;
  return bytes;
}

export interface RowProblem {
  readonly columnIndex: number;
  readonly problem: ValueProblem;
}

/**
 * Writes one row as a COPY line. Returns the first value that cannot be written; with
 * `replaceInvalid`, text with a NUL or invalid UTF-8 is replaced instead and reported to onReplace.
 */
export function encodeRow(
  writer: CopyTextWriter,
  row: readonly SourceValue[],
  offset: number,
  columns: readonly RowColumn[],
  replaceInvalid: boolean,
  onReplace: (columnIndex: number, problem: ValueProblem) => void,
): RowProblem | undefined {
  for (let i = 0; i < columns.length; i += 1) {
    if (i > 0) writer.byte(9);
    const value = row[offset + i] ?? null;
    if (value === null) {
      writer.null();
      continue;
    }
    const type = (columns[i] as RowColumn).type;
    const mark = writer.length;
    let problem = encodeValue(writer, type, value);
    if (problem && problem.type !== 'convert' && replaceInvalid && Buffer.isBuffer(value)) {
      writer.rewind(mark);
      onReplace(i, problem);
      problem = encodeValue(writer, type, replaceInvalidText(value));
    }
    if (problem) return { columnIndex: i, problem };
  }
  writer.byte(10);
  return undefined;
}

/** The key of a row as words: `id=7` or `rowid 12`. */
export function describeKey(order: RowOrder, row: readonly (SourceValue | string)[]): string {
  const show = (value: SourceValue | string | undefined) =>
    Buffer.isBuffer(value) ? JSON.stringify(value.toString('utf8')) : typeof value === 'string' ? JSON.stringify(value) : String(value);
  if (order.key.length === 1 && ['rowid', '_rowid_', 'oid'].includes(order.key[0] as string)) return `rowid ${show(row[0])}`;
  return order.key.map((k, i) => `${k}=${show(row[i])}`).join(', ');
}
