import { displayName, type QualifiedName } from '../postgres/sql-identifier.ts';

export interface TableRows extends QualifiedName {
  readonly rows: number;
}

export interface RowCountComparison {
  /** Every difference, one sentence each; empty when the two sides agree exactly. */
  readonly differences: readonly string[];
}

const key = (table: QualifiedName) => `${table.schema}\u0000${table.name}`;

/** Sorted by schema then name, so manifests and messages are stable. */
export function sortTables<T extends QualifiedName>(tables: readonly T[]): T[] {
  return [...tables].sort((a, b) => (a.schema === b.schema ? compare(a.name, b.name) : compare(a.schema, b.schema)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares what a check found (`actual`) with what was expected, table by table. Pure. */
export function compareTableRows(
  expected: readonly TableRows[],
  actual: readonly TableRows[],
  labels = { expected: 'expected', actual: 'found' },
): RowCountComparison {
  const found = new Map(actual.map((table) => [key(table), table]));
  const differences: string[] = [];
  for (const table of sortTables(expected)) {
    const other = found.get(key(table));
    found.delete(key(table));
    if (!other) differences.push(`${displayName(table)}: ${labels.expected} ${table.rows} rows, but the table is missing from what was ${labels.actual}`);
    else if (other.rows !== table.rows) differences.push(`${displayName(table)}: ${labels.expected} ${table.rows} rows, ${labels.actual} ${other.rows}`);
  }
  for (const table of sortTables([...found.values()]))
    differences.push(`${displayName(table)}: not ${labels.expected}, but ${labels.actual} with ${table.rows} rows`);
  return { differences };
}

export function totalRows(tables: readonly TableRows[]): number {
  return tables.reduce((sum, table) => sum + table.rows, 0);
}
