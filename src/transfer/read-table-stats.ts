import { setImmediate as nextTurn } from 'node:timers/promises';
import { quoteIdentifier } from '../postgres/quote-identifier.ts';
import type { SqliteDatabase, SqliteValue } from '../sqlite/sqlite-database.ts';
import { rowidName, type SqliteTable } from '../sqlite/sqlite-schema.ts';
import { columnKindsSql, emptyStats, mergeKindsRows, readColumnStats, type ColumnStats, type StatsRequest } from './column-stats.ts';
import { declaredFamily, wantsDateStats, wantsJsonStats, type DeclaredFamily } from './infer-column-type.ts';
import type { TableStats } from './transfer-plan.ts';

/** Rowids per piece of a table's statistics scan: enough work per piece to be worth a message. */
const rowidsPerPiece = 100_000n;
const maxPiecesPerTable = 16n;
/** Pieces the helper thread holds at once: one running, one waiting, so it never idles. */
const helperDepth = 2;

/** A second connection that answers queries (SourceReaderThread), seeing this connection's snapshot. */
export interface StatsHelper {
  get(sql: string, params: readonly SqliteValue[]): Promise<Record<string, SqliteValue>>;
}

interface Piece {
  readonly table: string;
  readonly sql: string;
  readonly params: readonly SqliteValue[];
}

/**
 * Every table's column statistics (see column-stats.ts). The first scan of each table, a read of
 * every row, is cut into rowid ranges; with a helper thread, this thread takes pieces from the
 * front of the queue and the helper from the back, so the scan runs on two cores. Without one
 * (or when it fails) this thread reads every piece.
 */
export async function readTableStats(db: SqliteDatabase, tables: readonly SqliteTable[], helper?: StatsHelper): Promise<Map<string, TableStats>> {
  const requests = new Map(tables.map((table) => [table.name, statsRequests(table)]));
  const pieces = new Map<string, Piece[]>(
    tables.map((table) => [table.name, helper ? splitScan(db, table, requests.get(table.name)!) : [wholeScan(table, requests.get(table.name)!)]]),
  );
  const rows = new Map<Piece, Record<string, SqliteValue>>();
  const queue = [...pieces.values()].flat();
  let helping = helper !== undefined;
  let held = 0;
  let wake: (() => void) | undefined;
  const feedHelper = () => {
    while (helping && held < helperDepth && queue.length > 0) {
      const piece = queue.pop() as Piece;
      held += 1;
      helper!
        .get(piece.sql, piece.params)
        .then(
          (row) => rows.set(piece, row),
          () => {
            // This thread reads the piece again, and reports the error if it has one.
            helping = false;
            queue.push(piece);
          },
        )
        .finally(() => {
          held -= 1;
          feedHelper();
          wake?.();
        });
    }
  };
  feedHelper();
  while (queue.length > 0 || held > 0) {
    const piece = queue.shift();
    if (piece) {
      rows.set(piece, db.get(piece.sql, ...piece.params) ?? {});
      // Let the helper's answers in, so it gets its next piece.
      await nextTurn();
    } else {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }
  const stats = new Map<string, TableStats>();
  for (const table of tables) {
    const kinds = mergeKindsRows((pieces.get(table.name) ?? []).map((piece) => rows.get(piece) ?? {}));
    stats.set(table.name, readColumnStats(db, table.name, requests.get(table.name)!, kinds));
  }
  return stats;
}

/** One table's statistics, read here in one scan (a table planned from its declared types whose values broke the promise). */
export function scanTableStats(db: SqliteDatabase, table: SqliteTable): TableStats {
  return readColumnStats(db, table.name, statsRequests(table));
}

/**
 * What each declared family promises every value is: the statistics a scan would find when the
 * promise holds. SQLite's affinities make most of it likely (a TEXT column turns numbers into
 * text), the rest is checked value by value during the load (see CopySqlOptions.assumed).
 */
const promised: Partial<Record<DeclaredFamily, (rows: number) => ColumnStats>> = {
  text: (rows) => ({ ...emptyStats, nonNull: rows, texts: rows }),
  integer: (rows) => ({ ...emptyStats, nonNull: rows, integers: rows, minInteger: 0n, maxInteger: 0n }),
  boolean: (rows) => ({ ...emptyStats, nonNull: rows, integers: rows, minInteger: 0n, maxInteger: 1n }),
  timestamp: (rows) => ({ ...emptyStats, nonNull: rows, texts: rows, dateTexts: rows }),
  date: (rows) => ({ ...emptyStats, nonNull: rows, texts: rows, dateTexts: rows, dateOnlyTexts: rows }),
  json: (rows) => ({ ...emptyStats, nonNull: rows, texts: rows, jsonTexts: rows }),
};

/**
 * A table's statistics as its declared types promise them (text in TEXT columns, ISO date-times in
 * DATETIME ones, valid JSON in JSON ones, integers in INT ones), read without scanning its values:
 * only the row count and the ends of the rowid b-tree. Planning from them gives the types a scan
 * would give whenever the promise holds; the load checks that it does (an integer column's range
 * too: the SQL encoding of an integer column refuses values outside it). Undefined when a column's
 * declared type leaves its type to the values (REAL, NUMERIC, BLOB or none).
 */
export function assumedStats(db: SqliteDatabase, table: SqliteTable): TableStats | undefined {
  const from = quoteIdentifier(table.name);
  const rows = Number(db.get(`SELECT count(*) AS n FROM ${from}`)?.n ?? 0);
  const columns: ColumnStats[] = [];
  for (const column of table.columns) {
    if (column.name === table.rowidAlias) {
      const { lo, hi } = rowidEnds(db, table, quoteIdentifier(column.name));
      columns.push({ ...emptyStats, nonNull: rows, integers: rows, minInteger: lo, maxInteger: hi });
      continue;
    }
    const promise = promised[declaredFamily(column.declaredType)];
    if (!promise) return undefined;
    columns.push(promise(rows));
  }
  return { rows, columns };
}

/** The smallest and largest rowid (null for an empty table), read at the two ends of the b-tree. */
function rowidEnds(db: SqliteDatabase, table: SqliteTable, rowid: string): { lo: bigint | null; hi: bigint | null } {
  const from = quoteIdentifier(table.name);
  // Two subqueries: each reads one end, where min() and max() in one query scan the whole table.
  const ends = db.get(`SELECT (SELECT min(${rowid}) FROM ${from}) AS lo, (SELECT max(${rowid}) FROM ${from}) AS hi`);
  const big = (value: SqliteValue | undefined) => (typeof value === 'bigint' ? value : null);
  return { lo: big(ends?.lo), hi: big(ends?.hi) };
}

function statsRequests(table: SqliteTable): StatsRequest[] {
  return table.columns.map((c) => ({
    name: c.name,
    dates: wantsDateStats(c.declaredType),
    json: wantsJsonStats(c.declaredType),
    rowidAlias: c.name === table.rowidAlias,
  }));
}

function wholeScan(table: SqliteTable, requests: readonly StatsRequest[]): Piece {
  return { table: table.name, sql: columnKindsSql(table.name, requests), params: [] };
}

/** The table's scan in rowid ranges that cover every row; one piece for small tables and those without a rowid. */
function splitScan(db: SqliteDatabase, table: SqliteTable, requests: readonly StatsRequest[]): Piece[] {
  const rowid = rowidName(table);
  if (!rowid) return [wholeScan(table, requests)];
  const { lo, hi } = rowidEnds(db, table, rowid);
  if (lo === null || hi === null || hi - lo < rowidsPerPiece) return [wholeScan(table, requests)];
  const count = BigInt(Math.min(Number(maxPiecesPerTable), Number((hi - lo) / rowidsPerPiece) + 1));
  const step = (hi - lo) / count + 1n;
  const sql = columnKindsSql(table.name, requests, { rowid });
  const pieces: Piece[] = [];
  for (let start = lo; start <= hi; start += step) pieces.push({ table: table.name, sql, params: [start, start + step - 1n > hi ? hi : start + step - 1n] });
  return pieces;
}
