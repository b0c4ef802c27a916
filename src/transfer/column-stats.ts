import { quoteIdentifier } from '../postgres/quote-identifier.ts';
import type { SqliteDatabase, SqliteValue } from '../sqlite/sqlite-database.ts';

/** What the values stored in one SQLite column are, counted in one scan of the table. */
export interface ColumnStats {
  readonly nonNull: number;
  readonly integers: number;
  readonly reals: number;
  readonly texts: number;
  readonly blobs: number;
  readonly minInteger: bigint | null;
  readonly maxInteger: bigint | null;
  /** Texts that start like an ISO date (YYYY-MM-DD...). Counted only when asked. */
  readonly dateTexts: number;
  /** Texts that are exactly YYYY-MM-DD. Counted only when asked. */
  readonly dateOnlyTexts: number;
  /** Texts that are valid JSON. Counted only when asked. */
  readonly jsonTexts: number;
}

export interface StatsRequest {
  readonly name: string;
  readonly dates: boolean;
  readonly json: boolean;
  /** The INTEGER PRIMARY KEY: always a non-null integer, its range read from the rowid b-tree. */
  readonly rowidAlias?: boolean;
}

export const emptyStats: ColumnStats = Object.freeze({
  nonNull: 0,
  integers: 0,
  reals: 0,
  texts: 0,
  blobs: 0,
  minInteger: null,
  maxInteger: null,
  dateTexts: 0,
  dateOnlyTexts: 0,
  jsonTexts: 0,
});

const dateGlob = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'";

/** The single aggregate query that counts the kinds of values in every column of a table. */
export function columnStatsSql(table: string, columns: readonly StatsRequest[]): string {
  const parts = columns.flatMap((column, i) => {
    const c = quoteIdentifier(column.name);
    const t = `typeof(${c})`;
    return [
      `count(${c}) AS n${i}`,
      `coalesce(sum(${t} = 'integer'), 0) AS i${i}`,
      `coalesce(sum(${t} = 'real'), 0) AS r${i}`,
      `coalesce(sum(${t} = 'text'), 0) AS t${i}`,
      `coalesce(sum(${t} = 'blob'), 0) AS b${i}`,
      `min(CASE WHEN ${t} = 'integer' THEN ${c} END) AS lo${i}`,
      `max(CASE WHEN ${t} = 'integer' THEN ${c} END) AS hi${i}`,
      column.dates ? `coalesce(sum(${t} = 'text' AND ${c} GLOB ${dateGlob}), 0) AS d${i}` : `0 AS d${i}`,
      column.dates ? `coalesce(sum(${t} = 'text' AND length(${c}) = 10 AND ${c} GLOB ${dateGlob}), 0) AS do${i}` : `0 AS do${i}`,
      column.json ? `coalesce(sum(${t} = 'text' AND json_valid(${c})), 0) AS j${i}` : `0 AS j${i}`,
    ];
  });
  return `SELECT count(*) AS total${parts.length ? `, ${parts.join(', ')}` : ''} FROM ${quoteIdentifier(table)}`;
}

/**
 * The cheaper first scan: per column the non-null count and the smallest and largest typeof() of
 * its values. When a column holds one kind of value (the usual case) that is nearly all
 * readColumnStats needs; integer columns then get min()/max() in a second, narrower scan, and
 * mixed columns the full count.
 */
export function columnKindsSql(table: string, columns: readonly StatsRequest[], range?: { readonly rowid: string }): string {
  const parts = columns.flatMap((column, i) => {
    const c = quoteIdentifier(column.name);
    // min/max of the INTEGER PRIMARY KEY read the ends of the rowid b-tree (a column named "rowid" may exist).
    if (column.rowidAlias) return [`min(${c}) AS lo${i}`, `max(${c}) AS hi${i}`];
    return [
      `count(${c}) AS n${i}`,
      `min(nullif(typeof(${c}), 'null')) AS lt${i}`,
      `max(nullif(typeof(${c}), 'null')) AS ht${i}`,
      column.dates ? `coalesce(sum(typeof(${c}) = 'text' AND ${c} GLOB ${dateGlob}), 0) AS d${i}` : `0 AS d${i}`,
      column.dates ? `coalesce(sum(typeof(${c}) = 'text' AND length(${c}) = 10 AND ${c} GLOB ${dateGlob}), 0) AS do${i}` : `0 AS do${i}`,
      column.json ? `coalesce(sum(typeof(${c}) = 'text' AND json_valid(${c})), 0) AS j${i}` : `0 AS j${i}`,
    ];
  });
  // With a range, the scan covers rowids between two parameters (inclusive): one piece of a table read in parallel.
  const where = range ? ` WHERE ${range.rowid} BETWEEN ? AND ?` : '';
  return `SELECT count(*) AS total${parts.length ? `, ${parts.join(', ')}` : ''} FROM ${quoteIdentifier(table)}${where}`;
}

/** The columnKindsSql row of a whole table from the rows of its pieces: counts add up, the smallest and largest values are kept. */
export function mergeKindsRows(rows: readonly Record<string, SqliteValue>[]): Record<string, SqliteValue> {
  const merged: Record<string, SqliteValue> = {};
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      const current = merged[key] as SqliteValue;
      if (!(key in merged) || current === null) merged[key] = value;
      else if (value === null) continue;
      else if (/^(lt|lo)\d+$/.test(key)) merged[key] = (value as bigint | string) < (current as bigint | string) ? value : current;
      else if (/^(ht|hi)\d+$/.test(key)) merged[key] = (value as bigint | string) > (current as bigint | string) ? value : current;
      else merged[key] = BigInt(current as bigint) + BigInt(value as bigint);
    }
  }
  return merged;
}

/** The one kind of value a column holds, from the smallest and largest typeof() of its non-null values; undefined when several. */
export function singleKind(
  nonNull: number,
  smallest: SqliteValue | undefined,
  largest: SqliteValue | undefined,
): 'integer' | 'real' | 'text' | 'blob' | 'none' | undefined {
  if (nonNull === 0) return 'none';
  if (smallest !== largest) return undefined;
  return smallest === 'integer' || smallest === 'real' || smallest === 'text' || smallest === 'blob' ? smallest : undefined;
}

/** Counts rows and the kinds of values per column: one scan, a second for integer ranges, a third when a column mixes kinds of values. */
export function readColumnStats(
  db: SqliteDatabase,
  table: string,
  columns: readonly StatsRequest[],
  firstScan?: Record<string, SqliteValue>,
): { rows: number; columns: ColumnStats[] } {
  // `firstScan`: columnKindsSql's row when it was read already (in pieces, see read-table-stats.ts).
  const row = firstScan ?? db.get(columnKindsSql(table, columns)) ?? {};
  const num = (value: SqliteValue | undefined) => Number(value ?? 0);
  const big = (value: SqliteValue | undefined) => (value === null || value === undefined ? null : BigInt(value as bigint));
  const rows = num(row.total);
  const kinds = columns.map((column, i) =>
    column.rowidAlias ? (rows === 0 ? 'none' : 'integer') : singleKind(num(row[`n${i}`]), row[`lt${i}`], row[`ht${i}`]),
  );
  const ranged = columns.map((column, i) => kinds[i] === 'integer' && !column.rowidAlias);
  const ranges = ranged.some(Boolean)
    ? (db.get(
        'SELECT ' +
          columns.flatMap((c, i) => (ranged[i] ? [`min(${quoteIdentifier(c.name)}) AS lo${i}`, `max(${quoteIdentifier(c.name)}) AS hi${i}`] : [])).join(', ') +
          ` FROM ${quoteIdentifier(table)}`,
      ) ?? {})
    : {};
  const stats: (ColumnStats | undefined)[] = columns.map((column, i) => {
    const kind = kinds[i];
    if (kind === undefined) return undefined;
    const nonNull = column.rowidAlias ? rows : num(row[`n${i}`]);
    const count = (k: string) => (kind === k ? nonNull : 0);
    const range = column.rowidAlias ? row : ranges;
    return {
      nonNull,
      integers: count('integer'),
      reals: count('real'),
      texts: count('text'),
      blobs: count('blob'),
      minInteger: kind === 'integer' ? big(range[`lo${i}`]) : null,
      maxInteger: kind === 'integer' ? big(range[`hi${i}`]) : null,
      dateTexts: num(row[`d${i}`]),
      dateOnlyTexts: num(row[`do${i}`]),
      jsonTexts: num(row[`j${i}`]),
    };
  });
  const mixed = columns.filter((_, i) => stats[i] === undefined);
  if (mixed.length > 0) {
    const full = fullColumnStats(db, table, mixed);
    let next = 0;
    for (let i = 0; i < stats.length; i += 1) if (stats[i] === undefined) stats[i] = full.columns[next++];
  }
  return { rows, columns: stats as ColumnStats[] };
}

/** Every count, for columns holding several kinds of values (and tests, as the reference). */
export function fullColumnStats(db: SqliteDatabase, table: string, columns: readonly StatsRequest[]): { rows: number; columns: ColumnStats[] } {
  const row = db.get(columnStatsSql(table, columns)) ?? {};
  const num = (value: SqliteValue | undefined) => Number(value ?? 0);
  const big = (value: SqliteValue | undefined) => (value === null || value === undefined ? null : BigInt(value as bigint));
  return {
    rows: num(row.total),
    columns: columns.map((_, i) => ({
      nonNull: num(row[`n${i}`]),
      integers: num(row[`i${i}`]),
      reals: num(row[`r${i}`]),
      texts: num(row[`t${i}`]),
      blobs: num(row[`b${i}`]),
      minInteger: big(row[`lo${i}`]),
      maxInteger: big(row[`hi${i}`]),
      dateTexts: num(row[`d${i}`]),
      dateOnlyTexts: num(row[`do${i}`]),
      jsonTexts: num(row[`j${i}`]),
    })),
  };
}
