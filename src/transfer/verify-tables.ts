import { runPool, verifiable, type TransferState } from './transfer-state.ts';
import { verifyLoadedTable } from './verify-loaded-table.ts';

/** The verify phase: every table by row count and content digest (those verified during the load are not read again). */
export async function verifyTables(state: TransferState): Promise<void> {
  const tables = verifiable(state);
  await runPool(
    state,
    tables.filter((t) => t.report.verified === undefined),
    (connection, table) => verifyLoadedTable(state, connection, table),
  );
  const mismatches = tables.filter((t) => t.report.verified?.ok === false).map((t) => ({ table: t.plan.source.name, detail: t.report.verified?.detail ?? '' }));
  state.report.verification = { ok: mismatches.length === 0, mismatches };
}
