import type { PostgresConnection } from '../postgres/postgres-connection.ts';
import { utf8Source, type TableState, type TransferState } from './transfer-state.ts';
import { firstDifference, postgresDigest, postgresRowsSql, postgresStoredCopy, sqliteDigest } from './verify-table.ts';

/**
 * Compares one table, PostgreSQL against SQLite, and records the verdict in its report. Called by
 * the verify phase, and earlier by the load and finishing phases for tables already loaded.
 *
 * PostgreSQL's rows are read in the order they are stored first, which for a table COPY filled is
 * the order they were sent in (key order, or rowid order), so no index or sort is needed; only when
 * that digest differs are both sides compared again in key order, before any difference is reported.
 */
export async function verifyLoadedTable(state: TransferState, connection: PostgresConnection, table: TableState): Promise<void> {
  const { plan, report, order, columns } = table;
  const schema = state.options.schema;
  const utf8 = utf8Source(state.schema);
  const replace = state.options.invalidText === 'replace';
  const byKey = order.byKey ?? order;
  await connection.query('SET synchronize_seqscans = off');
  const stored = postgresStoredCopy(schema, plan.target, plan.source, columns, order);
  const sorted = postgresRowsSql(schema, plan.target, plan.source, columns, byKey);
  const target = postgresDigest(connection, stored, order.ordered);
  // Keep a rejection handled while the SQLite side is computed.
  target.catch(() => undefined);
  const source = report.sourceDigest ?? sqliteDigest(state.db, plan.source, columns, order, utf8, replace, state.copyRows).digest;
  report.sourceDigest = source;
  let result = await target;
  let expected = source;
  if (order.ordered && result.rows === plan.rows && result.digest !== source) {
    // Stored in another order than sent (changed since, or loaded by another run or tool).
    const again = postgresDigest(connection, `COPY (${sorted}) TO STDOUT`, true);
    again.catch(() => undefined);
    if (byKey !== order) expected = sqliteDigest(state.db, plan.source, columns, byKey, utf8, replace, state.copyRows).digest;
    result = await again;
  }
  if (report.rows === 0) report.rows = result.rows;
  if (result.rows === plan.rows && result.digest === expected) {
    report.verified = { ok: true, rows: result.rows };
    return;
  }
  const detail =
    result.rows !== plan.rows
      ? `SQLite has ${plan.rows} rows, PostgreSQL ${result.rows}`
      : await firstDifference(state.db, connection, sorted, plan.source, columns, byKey, utf8, replace);
  report.verified = { ok: false, rows: result.rows, detail };
}
