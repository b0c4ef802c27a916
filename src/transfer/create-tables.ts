import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import { qualifiedName, quoteIdentifier } from '../postgres/quote-identifier.ts';
import { addChecks, checksOf } from './table-ddl.ts';
import { rowOrder, type RowColumn } from './table-rows.ts';
import { columnTypes, schemaRelations } from './target-catalog.ts';
import { targetTypeFromPostgres } from './target-type.ts';
import { createTableSql, type PlannedTable, type TableStats } from './transfer-plan.ts';
import type { TableReport } from './transfer-report.ts';
import { failTable, mainConnection, type TableState, type TransferState } from './transfer-state.ts';

function tableReport(state: TransferState, table: PlannedTable): TableReport {
  return { table: table.source.name, target: table.target, sourceRows: table.rows, rows: 0, status: 'pending', durationMs: 0, rowsPerSecond: 0 };
}

const statsOf = (state: TransferState, table: PlannedTable) => state.stats.get(table.source.name) as TableStats;

/** The transfer's create phase: the schema and the tables (per --if-exists), then every column's type as PostgreSQL has it. */
export async function createTables(state: TransferState): Promise<void> {
  const { schema, ifExists } = state.options;
  const main = mainConnection(state);
  await main.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  const existing = await schemaRelations(main, schema);
  const ours = [...state.plan.tables.map((t) => t.target), ...state.plan.views.map((v) => v.targetName)];
  const clashes = ours.filter((name) => existing.has(name));
  if (clashes.length > 0 && ifExists === 'fail') {
    throw new DbopsError(
      `The PostgreSQL schema "${schema}" at ${state.report.target} already has ${clashes.length} of the relations this transfer creates: ` +
        `${clashes.slice(0, 10).join(', ')}${clashes.length > 10 ? ', ...' : ''}. ` +
        'Nothing was changed. ' +
        'Use --if-exists truncate to replace them with the SQLite data, --if-exists resume to finish an interrupted transfer, or --schema to load elsewhere.',
      { exitCode: ExitCode.refused },
    );
  }
  if (clashes.length > 0 && ifExists === 'truncate') {
    // Nothing is dropped for a source that turns out damaged.
    await state.sourceCheck;
    const views = state.plan.views.map((v) => v.targetName).filter((n) => existing.get(n) === 'v');
    if (views.length > 0) await main.query(`DROP VIEW IF EXISTS ${views.map((v) => qualifiedName(schema, v)).join(', ')}`);
    const tables = state.plan.tables.map((t) => t.target).filter((n) => existing.get(n) === 'r');
    if (tables.length > 0) await main.query(`DROP TABLE ${tables.map((t) => qualifiedName(schema, t)).join(', ')}`);
    for (const name of [...views, ...tables]) existing.delete(name);
  }
  for (const table of state.plan.tables) {
    const existed = existing.has(table.target);
    if (!existed) await main.query(createTableSql(schema, table, state.plan.collation));
    // A table kept for resume may have them from the interrupted run.
    const checksOnLoad = existed ? checksOf(state.plan, table) : await addChecks(main, checksOf(state.plan, table));
    state.tables.push({
      plan: table,
      report: { ...tableReport(state, table), typesFrom: state.assumed.has(table.source.name) ? 'declared types' : 'stored values' },
      columns: [],
      order: rowOrder(table.source, table.columns, statsOf(state, table).columns, table.rows),
      createdHere: !existed,
      existed,
      checksOnLoad,
    });
  }
  state.report.tables.push(...state.tables.map((s) => s.report));
  await bindColumns(state);
}

/** verify's read phase: the tables must exist already; their column types come from PostgreSQL. */
export async function bindExistingTables(state: TransferState): Promise<void> {
  const existing = await schemaRelations(mainConnection(state), state.options.schema);
  for (const table of state.plan.tables) {
    const existed = existing.get(table.target) === 'r';
    const tableState: TableState = {
      plan: table,
      report: { ...tableReport(state, table), status: existed ? 'already complete' : 'pending' },
      columns: [],
      order: rowOrder(table.source, table.columns, statsOf(state, table).columns, table.rows),
      createdHere: false,
      existed,
      checksOnLoad: [],
    };
    state.tables.push(tableState);
    if (!existed) {
      failTable(state, tableState, {
        table: table.source.name,
        problem: `missing in PostgreSQL (expected ${qualifiedName(state.options.schema, table.target)}).`,
      });
    }
  }
  state.report.tables.push(...state.tables.map((s) => s.report));
  await bindColumns(state);
}

/**
 * Takes each column's type from PostgreSQL, so existing tables (resume, verify) are read as they
 * are; the plan keeps its own types (it is not changed: the bound types live in the table's state).
 */
async function bindColumns(state: TransferState): Promise<void> {
  const types = await columnTypes(
    mainConnection(state),
    state.options.schema,
    state.tables.map((s) => s.plan.target),
  );
  for (const table of state.tables) {
    if (table.report.status === 'failed') continue;
    const { plan } = table;
    const columns: RowColumn[] = [];
    for (const column of plan.columns) {
      const formatted = types.get(plan.target)?.get(column.target);
      const type = formatted === undefined ? undefined : targetTypeFromPostgres(formatted);
      if (type === undefined) {
        failTable(state, table, {
          table: plan.source.name,
          column: column.source,
          problem:
            `the existing PostgreSQL table ${qualifiedName(state.options.schema, plan.target)} ` +
            (formatted === undefined ? `has no column "${column.target}".` : `has it as ${formatted}, which dbops cannot load exactly.`),
          fix: 'Drop the table (or use --if-exists truncate) so dbops creates it.',
        });
        break;
      }
      columns.push({ source: column.source, target: column.target, type });
    }
    table.columns = columns;
    table.order = rowOrder(plan.source, columns, statsOf(state, plan).columns, plan.rows);
  }
}
