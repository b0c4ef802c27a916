import { isUtf8 } from 'node:buffer';
import { quoteIdentifier } from '../postgres/quote-identifier.ts';
import type { SqliteDatabase, SqliteStatement, SqliteValue } from '../sqlite/sqlite-database.ts';
import type { SqliteTable } from '../sqlite/sqlite-schema.ts';
import { CopyTextWriter } from './copy-text-writer.ts';
import type { SourceValue, ValueProblem } from './encode-value.ts';
import { jsonbText } from './jsonb-text.ts';
import { copyRowsEntryPoint, jsonMarker, lineCopySql, rowMarker, rowsCopyArguments } from './sql-copy-text.ts';
import { encodeRow, keyRangeWhere, readRangeRows, readTableRows, type RowColumn, type RowOrder, type RowProblem } from './table-rows.ts';

/** Whole rows of COPY text, in key order. */
export interface CopyBatch {
  readonly bytes: Buffer;
  readonly rows: number;
}

/** How many rows each encoder wrote: tests use it to prove the fast path ran. */
export interface EncodeCounts {
  sqlRows: number;
  jsRows: number;
}

export interface EncodeTableInput {
  readonly db: SqliteDatabase;
  readonly table: SqliteTable;
  readonly columns: readonly RowColumn[];
  readonly order: RowOrder;
  readonly utf8: boolean;
  readonly replaceInvalid: boolean;
  /** A value was replaced (--invalid-text replace). */
  readonly onReplace: (columnIndex: number, problem: ValueProblem, row: readonly SourceValue[]) => void;
  /** A value cannot be written: throw, or return the line (without its newline) to write instead. */
  readonly onProblem: (problem: RowProblem, row: readonly SourceValue[]) => string;
  readonly counts?: EncodeCounts;
  /** Force the JavaScript encoder (tests compare the encoders). */
  readonly javascriptOnly?: boolean;
  /**
   * The compiled copy-rows.c (see copy-rows-extension.ts): SQLite builds batches with it, at about
   * half the CPU time of the SQL expressions used without it. Both write the same bytes.
   */
  readonly extension?: string;
  /**
   * The table's types were planned from its declared types alone (see assumedStats): SQLite checks
   * every value is of the kind they promise, and any batch that is not stops the encoding with
   * NotAsDeclaredError, so the table can be scanned and planned from its values.
   */
  readonly assumed?: boolean;
}

/** A table planned from its declared types holds a value those types did not promise (see EncodeTableInput.assumed). */
export class NotAsDeclaredError extends Error {
  constructor(readonly table: string) {
    super(`table "${table}" holds values its declared types do not promise`);
  }
}

const jsChunkBytes = 1 << 20;
const targetBatchBytes = 4 << 20;
const maxBatchRows = 50_000;
const jsonCacheEntries = 8192;
const jsonCacheLength = 256;

/**
 * A table as COPY text, batch by batch, in key order. Batches are built by SQLite (one query per
 * key range, see sql-copy-text.ts) and only checked and, for jsonb, normalised in JavaScript; a
 * batch holding a value SQLite cannot encode exactly, a NUL or invalid UTF-8 is encoded again row
 * by row in JavaScript, which finds and reports the value. Memory: one batch (about 4 MiB, or one
 * row when rows are larger), whatever the size of the table.
 */
export function* encodeTable(input: EncodeTableInput): Generator<CopyBatch> {
  const { table, columns, order } = input;
  const options = (c: RowColumn) => (input.assumed ? { assumed: true, key: table.primaryKey.includes(c.source) } : {});
  const described = columns.map((c) => ({ type: c.type, quoted: quoteIdentifier(c.source), options: options(c) }));
  const inSqlite = input.utf8 && !input.javascriptOnly && order.key.length > 0;
  const native = inSqlite && input.extension ? rowsCopyArguments(described) : undefined;
  const line = inSqlite && !native ? lineCopySql(described) : undefined;
  const from = quoteIdentifier(table.name);
  const keys = order.sortExpressions.join(', ');
  // The ORDERed subquery (never flattened into an aggregate) feeds the aggregate in key order
  // without the sort that an aggregate's own ORDER BY adds. Were the order ever different, the
  // ordered digest would differ and verification fail: it cannot hide a wrong value.
  let batchSql: ((where: string) => string) | undefined;
  if (native) {
    const names = native.values.map((_, i) => `"dbops ${i}"`);
    batchSql = (where) =>
      `SELECT dbops_copy_rows('${native.spec}', ${names.join(', ')}), count(*) ` +
      `FROM (SELECT ${native.values.map((v, i) => `${v} AS ${names[i]}`).join(', ')} FROM ${from} ${where} ORDER BY ${keys})`;
  } else if (line) {
    batchSql = (where) =>
      `SELECT CAST(group_concat(line, '') AS BLOB), count(*) FROM (SELECT coalesce(${line.sql}, char(${rowMarker})) AS line ` +
      `FROM ${from} ${where} ORDER BY ${keys})`;
  }
  if (input.assumed && !batchSql) throw new NotAsDeclaredError(table.name);
  if (!batchSql) {
    yield* encodeRowsInJavaScript(input, readTableRows(input.db, table, columns, order, input.utf8));
    return;
  }
  const select = batchSql;
  if (native) input.db.loadExtension(input.extension as string, copyRowsEntryPoint);
  const rawJson = (native ?? line)?.rawJson ?? false;
  const statements = new Map<string, SqliteStatement>();
  const statement = (name: string, sql: () => string): SqliteStatement => {
    let prepared = statements.get(name);
    if (!prepared) statements.set(name, (prepared = input.db.prepare(sql())));
    return prepared;
  };
  const boundary = (after: boolean) =>
    statement(
      `boundary ${after}`,
      () => `SELECT ${order.key.map(quoteIdentifier).join(', ')} FROM ${from} ${keyRangeWhere(order, after, false)} ORDER BY ${keys} LIMIT 1 OFFSET ?`,
    );
  const batch = (after: boolean, upTo: boolean) => statement(`batch ${after} ${upTo}`, () => select(keyRangeWhere(order, after, upTo)));

  const jsonCache = new Map<string, Buffer>();
  let size = 256;
  let after: SqliteValue[] | undefined;
  for (;;) {
    const upTo = boundary(after !== undefined).getRow(...(after ?? []), size - 1);
    let result: SqliteValue[] | undefined;
    try {
      result = batch(after !== undefined, upTo !== undefined).getRow(...(after ?? []), ...(upTo ?? []));
    } catch (error) {
      // A batch longer than SQLite's longest string: fewer rows, down to one row through JavaScript.
      if (!/too big/i.test(error instanceof Error ? error.message : '')) throw error;
      if (size > 1) {
        size = Math.max(1, Math.floor(size / 8));
        continue;
      }
      result = [null, 1];
    }
    const bytes = result?.[0];
    const rows = Number(result?.[1] ?? 0);
    if (rows > 0) {
      const encoded = Buffer.isBuffer(bytes) ? checkedBatch(bytes, rawJson, jsonCache) : undefined;
      if (encoded) {
        if (input.counts) input.counts.sqlRows += rows;
        yield { bytes: encoded, rows };
      } else if (input.assumed) {
        throw new NotAsDeclaredError(table.name);
      } else {
        yield* encodeRowsInJavaScript(input, [readRangeRows(input.db, table, columns, order, input.utf8, after, upTo)]);
      }
      if (Buffer.isBuffer(bytes)) size = Math.max(16, Math.min(maxBatchRows, size * 4, Math.round((rows * targetBatchBytes) / Math.max(1, bytes.length))));
    }
    if (upTo === undefined) return;
    after = upTo;
  }
}

/**
 * The batch as it goes to PostgreSQL, or undefined when JavaScript must encode it: a row SQLite
 * could not encode, a NUL, invalid UTF-8 (checked on the whole batch: every value sits between
 * ASCII separators, so one bad value makes the batch invalid), or JSON that does not normalise.
 */
function checkedBatch(bytes: Buffer, rawJson: boolean, jsonCache: Map<string, Buffer>): Buffer | undefined {
  if (bytes.includes(rowMarker) || bytes.includes(0) || !isUtf8(bytes)) return undefined;
  // The extension writes most JSON as jsonb prints it already (see copy-rows.c).
  if (!rawJson || !bytes.includes(jsonMarker)) return bytes;
  const writer = new CopyTextWriter(bytes.length + (bytes.length >> 2) + 64);
  let position = 0;
  for (;;) {
    const marker = bytes.indexOf(jsonMarker, position);
    if (marker === -1) break;
    writer.raw(bytes, position, marker);
    const colon = bytes.indexOf(58, marker + 1);
    const start = colon + 1;
    const end = start + Number(bytes.toString('latin1', marker + 1, colon));
    // Application JSON repeats a lot (flags, sources, small settings): short documents, a bounded
    // number, are remembered as the bytes they become, keyed by their own bytes (latin1 maps each
    // byte to one character, the cheapest exact key).
    const short = end - start <= jsonCacheLength;
    const key = short ? bytes.toString('latin1', start, end) : '';
    const known = short ? jsonCache.get(key) : undefined;
    if (known) {
      writer.raw(known);
    } else {
      const text = jsonbText(bytes.toString('utf8', start, end));
      const mark = writer.length;
      if (text === undefined || !writer.escapedText(text)) return undefined;
      if (short) {
        if (jsonCache.size >= jsonCacheEntries) jsonCache.clear();
        jsonCache.set(key, Buffer.from(writer.since(mark)));
      }
    }
    position = end;
  }
  writer.raw(bytes, position);
  return writer.take();
}

/** The row-by-row encoder: every conversion, check, replacement and error message lives here. */
function* encodeRowsInJavaScript(input: EncodeTableInput, batches: Iterable<SourceValue[][]>): Generator<CopyBatch> {
  const writer = new CopyTextWriter(jsChunkBytes);
  const offset = input.order.key.length;
  let rows = 0;
  for (const batch of batches) {
    for (const row of batch) {
      const mark = writer.length;
      const problem = encodeRow(writer, row, offset, input.columns, input.replaceInvalid, (i, p) => input.onReplace(i, p, row));
      if (problem) {
        writer.rewind(mark);
        writer.escapedText(input.onProblem(problem, row));
        writer.byte(10);
      }
      rows += 1;
    }
    if (input.counts) input.counts.jsRows += batch.length;
    if (writer.length >= jsChunkBytes) {
      yield { bytes: writer.take(), rows };
      rows = 0;
    }
  }
  if (rows > 0) yield { bytes: writer.take(), rows };
}
