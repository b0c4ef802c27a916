import { DbopsError } from '../errors/dbops-error.ts';
import type { PostgresConnection } from '../postgres/postgres-connection.ts';
import { qualifiedName, quoteIdentifier } from '../postgres/quote-identifier.ts';
import { copyRowsMissing } from '../sqlite/copy-rows-extension.ts';
import { NotAsDeclaredError } from './copy-batches.ts';
import { loadTable, ValueProblemError } from './load-table.ts';
import {
  failTable,
  mainConnection,
  pgError,
  takeSpareEncoder,
  utf8Source,
  verifiable,
  verifiesTransfer,
  type TableState,
  type TransferState,
} from './transfer-state.ts';
import { verifyLoadedTable } from './verify-loaded-table.ts';
import { planFromValues, widenForValue } from './widen-table.ts';

/** Planned from its declared types, not (yet) from its values: see assumedStats. */
const assumedTypes = (table: TableState) => table.report.typesFrom === 'declared types';

/**
 * The load phase: copies every table, several at once (one connection each), widening a column
 * and retrying when a value needs it. When quick_check finds the source damaged, no load commits
 * and the tables this run created are dropped again.
 */
export async function loadTables(state: TransferState): Promise<void> {
  const queue = state.tables.filter((s) => s.report.status === 'pending').sort((a, b) => b.plan.rows - a.plan.rows);
  if (queue.length > 0 && !state.copyRows) state.report.warnings.push(copyRowsMissing);
  // The largest table is encoded in a worker thread, the others here, beside it.
  const largest = queue[0];
  const early = verifiesTransfer(state);
  const verifying = new Set<TableState>();
  let loading = state.connections.length;
  const loads = state.connections.map(async (connection) => {
    for (let table = queue.shift(); table; table = queue.shift()) await loadOne(state, connection, table, table === largest ? state.workerSource : undefined);
    loading -= 1;
    // Nothing left to load here: while other loads go on, verify the tables already loaded (only
    // reads; keys and indexes change no data), so fewer wait for the index builds at the end.
    while (early && loading > 0) {
      const table = verifiable(state).find((s) => s.report.verified === undefined && !verifying.has(s));
      if (!table) break;
      verifying.add(table);
      await verifyLoadedTable(state, connection, table);
    }
  });
  try {
    await Promise.all(loads);
    await state.sourceCheck;
  } catch (error) {
    const damaged = await state.sourceCheck.then(
      () => undefined,
      (checkError: unknown) => checkError,
    );
    if (damaged === undefined) throw error;
    // Every load stops and rolls back (see loadOne), then the empty tables go.
    await Promise.allSettled(loads);
    const created = state.tables.filter((s) => s.createdHere).map((s) => qualifiedName(state.options.schema, s.plan.target));
    if (created.length > 0) await mainConnection(state).query(`DROP TABLE IF EXISTS ${created.join(', ')}`);
    throw damaged;
  }
}

/** Under --if-exists resume: true when the table holds every row already; else its foreign keys go (the finishing phase adds them again). */
async function completeFromBefore(state: TransferState, connection: PostgresConnection, table: TableState): Promise<boolean> {
  const { plan } = table;
  const qualified = qualifiedName(state.options.schema, plan.target);
  const count = await connection.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified}`);
  if (Number(count.rows[0]?.n) === plan.rows) return true;
  for (const fk of state.plan.foreignKeys.filter((f) => f.table === plan.source.name || f.foreignKey?.parent === qualified)) {
    const child = state.plan.tables.find((t) => t.source.name === fk.table);
    if (child)
      await connection.query(`ALTER TABLE ${qualifiedName(state.options.schema, child.target)} DROP CONSTRAINT IF EXISTS ${quoteIdentifier(fk.targetName)}`);
  }
  return false;
}

async function loadOne(state: TransferState, connection: PostgresConnection, table: TableState, workerPath: string | undefined): Promise<void> {
  const { report } = table;
  if (table.existed && state.options.ifExists === 'resume' && (await completeFromBefore(state, connection, table))) {
    report.status = 'already complete';
    report.rows = table.plan.rows;
    return;
  }
  const started = state.now();
  for (let attempt = 0; attempt <= table.plan.columns.length * 2; attempt += 1) {
    const { plan } = table;
    try {
      const result = await loadTable({
        db: state.db,
        connection,
        schema: state.options.schema,
        table: plan.source,
        target: plan.target,
        columns: table.columns,
        order: table.order,
        utf8: utf8Source(state.schema),
        replaceInvalid: state.options.invalidText === 'replace',
        assumed: assumedTypes(table),
        extension: state.copyRows,
        beforeCommit: () => state.sourceCheck,
        stopIf: () => {
          if (state.sourceDamage !== undefined) throw state.sourceDamage;
        },
        ...(workerPath ? { workerPath, ...takeSpareEncoder(state) } : {}),
        onRows: (rowsDone) => {
          const seconds = Math.max(0.001, (state.now() - started) / 1000);
          state.options.onProgress({ table: plan.source.name, rowsDone, rowsTotal: plan.rows, rowsPerSecond: rowsDone / seconds });
        },
      });
      report.rows = result.rows;
      report.sourceDigest = result.digest;
      report.encodedIn = result.encodedIn;
      report.status = 'loaded';
      report.durationMs = state.now() - started;
      report.rowsPerSecond = result.rows / Math.max(0.001, report.durationMs / 1000);
      state.report.replaced.push(...result.replaced);
      return;
    } catch (error) {
      if (error instanceof NotAsDeclaredError) {
        await planFromValues(state, connection, table);
        continue;
      }
      if (pgError(error).code === '23514' && table.checksOnLoad.length > 0) {
        const qualified = qualifiedName(state.options.schema, plan.target);
        await connection.query(
          `ALTER TABLE ${qualified} ${table.checksOnLoad.map((c) => `DROP CONSTRAINT IF EXISTS ${quoteIdentifier(c.targetName)}`).join(', ')}`,
        );
        table.checksOnLoad = [];
        continue;
      }
      if (!(error instanceof ValueProblemError)) {
        // A read of a damaged file fails as quick_check describes it.
        await state.sourceCheck;
        if (error instanceof DbopsError) throw error;
        failTable(state, table, { table: plan.source.name, problem: `PostgreSQL refused the data: ${pgError(error).message}` });
        return;
      }
      if (!(await widenForValue(state, connection, table, error))) return;
    }
  }
}
