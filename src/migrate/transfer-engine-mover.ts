import { assertTransferSucceeded, transferDatabase, verifyDatabase, type TransferDeps } from '../transfer/transfer-database.ts';
import type { TransferReport } from '../transfer/transfer-report.ts';
import type { DataMover, MoveResult } from './data-mover.ts';

/** The transfer engine behind the migrate pipeline's DataMover interface. */
export function transferEngineMover(deps: TransferDeps): DataMover {
  return {
    async copy(sqlitePath, postgres, { ifExists, onProgress }) {
      const report = await transferDatabase({ sqlitePath, postgres, ifExists, onProgress }, deps);
      assertTransferSucceeded(report);
      return moveResult(report);
    },
    async verify(sqlitePath, postgres) {
      const report = await verifyDatabase({ sqlitePath, postgres }, deps);
      assertTransferSucceeded(report);
      return moveResult(report);
    },
  };
}

function moveResult(report: TransferReport): MoveResult {
  return {
    tables: report.tables.map((table) => ({ table: table.table, schema: report.schema, target: table.target, rows: table.rows })),
    warnings: [
      ...report.warnings,
      ...report.widenedColumns.map((column) => `${column.table}.${column.column} widened to ${column.type}: ${column.reason}`),
      ...report.orphans.map((orphan) => `${orphan.table}: ${orphan.orphanRows} rows violate ${orphan.foreignKey}; ${orphan.constraint} added NOT VALID`),
      ...report.untranslatable.map((item) => `not translated: ${item.kind} ${item.object}: ${item.reason}`),
    ],
    report,
  };
}
