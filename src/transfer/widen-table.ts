import type { PostgresConnection } from '../postgres/postgres-connection.ts';
import type { ColumnStats } from './column-stats.ts';
import type { ValueProblem } from './encode-value.ts';
import { inferColumnType } from './infer-column-type.ts';
import { describeProblem, type ValueProblemError } from './load-table.ts';
import { scanTableStats } from './read-table-stats.ts';
import { recreateTable } from './table-ddl.ts';
import { rowOrder } from './table-rows.ts';
import { numericType, targetType, type TargetType } from './target-type.ts';
import { retypeColumns, type ColumnRetype, type PlannedColumn, type TableStats } from './transfer-plan.ts';
import { failTable, type TableState, type TransferState } from './transfer-state.ts';

/** The type a column gets when a value does not fit `type`: bytea for text PostgreSQL cannot store, else the next type that holds more. */
export function widerType(type: TargetType, problem: ValueProblem): TargetType {
  if (problem.type !== 'convert') return targetType('bytea');
  if (type.kind === 'numeric' && type.precision !== undefined) return numericType();
  if (type.kind === 'double') return numericType();
  return targetType('text');
}

/** Lists (or updates) a column whose type is wider than declared in the report. */
function noteWidened(state: TransferState, table: string, column: PlannedColumn): void {
  const existing = state.report.widenedColumns.findIndex((w) => w.table === table && w.column === column.source);
  const entry = { table, column: column.source, type: column.type.sql, reason: column.widened ?? '' };
  if (existing === -1) state.report.widenedColumns.push(entry);
  else state.report.widenedColumns[existing] = entry;
}

/** The table planned anew with these columns retyped (the old planned table is left as it was); the report notes each. */
function retype(state: TransferState, table: TableState, changes: readonly ColumnRetype[]): void {
  const retyped = retypeColumns(table.plan, changes, state.plan.mode);
  table.plan = retyped.table;
  state.report.untranslatable.push(...retyped.untranslatable);
  for (const change of changes) {
    const column = retyped.table.columns.find((c) => c.source === change.source) as PlannedColumn;
    if (column.widened) noteWidened(state, table.plan.source.name, column);
  }
}

/** The load's columns with these retyped (the others keep the types the table has in PostgreSQL). */
function withTypes(table: TableState, changes: readonly ColumnRetype[]): TableState['columns'] {
  return table.columns.map((column) => {
    const change = changes.find((c) => c.source === column.source);
    return change ? { source: column.source, target: column.target, type: change.type } : column;
  });
}

/**
 * The load met a value the table's declared types did not promise: plans its columns from a scan
 * of its values, as a table is planned up front when its declared types promise nothing, and
 * re-creates it (empty: the load rolled back) when a type changed.
 */
export async function planFromValues(state: TransferState, connection: PostgresConnection, table: TableState): Promise<void> {
  const { plan } = table;
  const stats = scanTableStats(state.db, plan.source);
  state.stats.set(plan.source.name, stats);
  table.report.typesFrom = 'stored values';
  const changes: ColumnRetype[] = [];
  plan.source.columns.forEach((source, i) => {
    // Compared with the type the table has in PostgreSQL: that is what the load would write into.
    const column = table.columns.find((c) => c.source === source.name) ?? (plan.columns[i] as PlannedColumn);
    const inferred = inferColumnType(source.declaredType, stats.columns[i] as ColumnStats, { rowidAlias: source.name === plan.source.rowidAlias });
    if (inferred.type.sql !== column.type.sql) changes.push({ source: source.name, type: inferred.type, widened: inferred.widened });
  });
  if (changes.length > 0) {
    retype(state, table, changes);
    if (table.createdHere) {
      await recreateTable(state, connection, table);
      table.columns = withTypes(table, changes);
    }
  }
  table.order = rowOrder(table.plan.source, table.columns, stats.columns, table.plan.rows);
}

/** Widens the column a value did not fit and re-creates the (empty) table; false when the table fails instead. */
export async function widenForValue(state: TransferState, connection: PostgresConnection, table: TableState, error: ValueProblemError): Promise<boolean> {
  const { plan } = table;
  const column = table.columns.find((c) => c.source === error.column);
  const invalidText = error.problem.type !== 'convert';
  if (!column || !plan.columns.some((c) => c.source === error.column) || !table.createdHere || (invalidText && state.options.invalidText !== 'bytea')) {
    failTable(state, table, {
      table: plan.source.name,
      column: error.column,
      rowid: error.row,
      problem: `${describeProblem(error.problem)}.`,
      fix: invalidText
        ? 'The table was not loaded. ' +
          'Run again with --invalid-text bytea to load the column as bytea, ' +
          'or --invalid-text replace to replace the bad bytes (each changed row is listed in the report).'
        : 'The table was not loaded: the existing PostgreSQL column cannot hold this value. ' +
          'Use --if-exists truncate so dbops creates the table with a type that can.',
    });
    return false;
  }
  const type = widerType(column.type, error.problem);
  const why = invalidText
    ? `${describeProblem(error.problem)} (${error.row}); loaded as bytea (--invalid-text bytea)`
    : `${describeProblem(error.problem)} (${error.row}); ${column.type.sql} widened to ${type.sql}`;
  const changes = [{ source: column.source, type, widened: why }];
  retype(state, table, changes);
  await recreateTable(state, connection, table);
  table.columns = withTypes(table, changes);
  const stats = state.stats.get(plan.source.name) as TableStats;
  table.order = rowOrder(table.plan.source, table.columns, stats.columns, table.plan.rows);
  return true;
}
