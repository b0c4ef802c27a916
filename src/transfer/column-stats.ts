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
}

export const emptyStats: ColumnStats = Object.freeze({
  nonNull: 0, integers: 0, reals: 0, texts: 0, blobs: 0, minInteger: null, maxInteger: null, dateTexts: 0, dateOnlyTexts: 0, jsonTexts: 0,
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

/** Counts rows and the kinds of values per column (one scan). */
export function readColumnStats(db: SqliteDatabase, table: string, columns: readonly StatsRequest[]): { rows: number; columns: ColumnStats[] } {
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
