import type { PostgresConnection } from '../postgres/postgres-connection.ts';
import { qualifiedName } from '../postgres/quote-identifier.ts';
import type { TableState, TransferState } from './transfer-state.ts';
import { createTableSql, type PlannedTable, type SchemaStep, type TransferPlan } from './transfer-plan.ts';

/** The table's CHECK constraints from the plan. */
export function checksOf(plan: TransferPlan, table: PlannedTable): SchemaStep[] {
  return plan.constraints.filter((c) => c.kind === 'check' && c.table === table.source.name);
}

/** Adds CHECK constraints to a new, empty table; those PostgreSQL refuses are left to the finishing phase, which reports them. */
export async function addChecks(connection: PostgresConnection, checks: readonly SchemaStep[]): Promise<SchemaStep[]> {
  const added: SchemaStep[] = [];
  for (const step of checks) {
    try {
      await connection.query(step.sql);
      added.push(step);
    } catch {
      // Refused: tried again, and reported, after the load.
    }
  }
  return added;
}

/** Drops the (empty) table and creates it again as it is planned now, with the checks it had for the load. */
export async function recreateTable(state: TransferState, connection: PostgresConnection, table: TableState): Promise<void> {
  await connection.query(`DROP TABLE ${qualifiedName(state.options.schema, table.plan.target)}`);
  await connection.query(createTableSql(state.options.schema, table.plan, state.plan.collation));
  table.checksOnLoad = await addChecks(connection, table.checksOnLoad);
}
