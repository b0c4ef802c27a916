import type { TableMismatch } from '../errors/verification-error.ts';
import type { ReplacedValue } from './load-table.ts';
import type { UntranslatableItem } from './transfer-plan.ts';

export interface TableReport {
  /** The SQLite name. */
  readonly table: string;
  /** The PostgreSQL name. */
  readonly target: string;
  readonly sourceRows: number;
  rows: number;
  status: 'pending' | 'loaded' | 'already complete' | 'failed';
  durationMs: number;
  rowsPerSecond: number;
  /**
   * transfer: where the column types came from. 'declared types' when they promised every value's
   * kind and the load found that true; 'stored values' when a scan of the values decided.
   */
  typesFrom?: 'declared types' | 'stored values';
  /** transfer: which thread turned the rows into COPY text (see encode-in-worker.ts and --encoder-thread). */
  encodedIn?: 'worker thread' | 'main thread';
  /** Digest of what was sent (transfer) or of the SQLite table (verify). */
  sourceDigest?: string;
  verified?: { readonly ok: boolean; readonly rows: number; readonly detail?: string };
}

export interface WidenedColumn {
  readonly table: string;
  readonly column: string;
  readonly type: string;
  readonly reason: string;
}

export interface OrphanReport {
  readonly table: string;
  readonly foreignKey: string;
  readonly constraint: string;
  readonly orphanRows: number;
}

/** A table that failed: the failure as a value, and as the paragraph formatTransferFailure makes of it. */
export interface FailureReport {
  readonly table: string;
  readonly column?: string;
  readonly row?: string;
  readonly problem: string;
  readonly fix?: string;
  readonly message: string;
}

/** What a transfer or verify did: JSON-serialisable, no secrets (the target is shown without password). */
export interface TransferReport {
  readonly command: 'transfer' | 'verify';
  readonly source: string;
  readonly target: string;
  readonly schema: string;
  readonly startedAt: string;
  /** A worker thread was started for PRAGMA quick_check and the statistics scans (see --reader-thread). */
  readonly readerThread: boolean;
  durationMs: number;
  readonly phases: { name: string; durationMs: number }[];
  readonly tables: TableReport[];
  readonly widenedColumns: WidenedColumn[];
  readonly warnings: string[];
  readonly untranslatable: UntranslatableItem[];
  readonly orphans: OrphanReport[];
  readonly replaced: ReplacedValue[];
  readonly failures: FailureReport[];
  verification: { ok: boolean; mismatches: TableMismatch[] } | null;
  /** True when every table is there and, when verified, equal. */
  ok: boolean;
}

/** The summary the CLI prints: one line per table, then widened columns, orphans, what was not translated. */
export function formatSummary(report: TransferReport): string[] {
  const lines: string[] = [];
  const width = Math.max(5, ...report.tables.map((t) => t.table.length));
  lines.push(`${'table'.padEnd(width)}  ${'rows'.padStart(10)}  ${'rows/s'.padStart(9)}  ${'status'.padEnd(16)}  verified`);
  for (const t of report.tables) {
    const verified = t.verified === undefined ? '-' : t.verified.ok ? 'equal (count + digest)' : `DIFFERS: ${t.verified.detail ?? ''}`;
    lines.push(
      `${t.table.padEnd(width)}  ${String(t.rows).padStart(10)}  ` +
        `${(t.rowsPerSecond ? String(Math.round(t.rowsPerSecond)) : '-').padStart(9)}  ${t.status.padEnd(16)}  ${verified}`,
    );
  }
  const total = report.tables.reduce((sum, t) => sum + t.rows, 0);
  lines.push(
    `${report.tables.length} table(s), ${total} row(s) in ${(report.durationMs / 1000).toFixed(1)} s ` +
      `(${report.phases.map((p) => `${p.name} ${(p.durationMs / 1000).toFixed(1)} s`).join(', ')})`,
  );
  if (report.widenedColumns.length > 0) {
    lines.push('Columns loaded with a wider type than declared, so every value is kept:');
    for (const w of report.widenedColumns) lines.push(`  ${w.table}.${w.column} -> ${w.type}: ${w.reason}`);
  }
  if (report.orphans.length > 0) {
    lines.push('Foreign keys added NOT VALID because SQLite held rows that break them (rows kept):');
    for (const o of report.orphans) lines.push(`  ${o.table} ${o.foreignKey}: ${o.orphanRows} orphan row(s) (constraint ${o.constraint})`);
  }
  if (report.replaced.length > 0)
    lines.push(`${report.replaced.length} value(s) had NUL bytes or invalid UTF-8 replaced (--invalid-text replace); see the report for each row.`);
  if (report.untranslatable.length > 0) {
    lines.push('Not translated (listed, not dropped quietly):');
    for (const u of report.untranslatable) lines.push(`  ${u.kind} ${u.object}: ${u.reason}`);
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  for (const failure of report.failures) lines.push(`FAILED: ${failure.message}`);
  return lines;
}
