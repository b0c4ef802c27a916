import { createTables, bindExistingTables } from './create-tables.ts';
import { finishSchema } from './finish-schema.ts';
import { loadTables } from './load-tables.ts';
import type { ResolvedTransferOptions } from './transfer-options.ts';
import type { TransferPlan } from './transfer-plan.ts';
import type { TransferReport } from './transfer-report.ts';
import type { TransferState } from './transfer-state.ts';
import { verifyTables } from './verify-tables.ts';

/** One step of a transfer or verification after the source is open: what it does, and what a task list says of it. */
export interface TransferPhase {
  /** As the report's `phases` names it. */
  readonly name: string;
  /** What a task list shows while it runs. */
  readonly title: string;
  readonly enabled: (options: ResolvedTransferOptions) => boolean;
  readonly run: (state: TransferState) => Promise<void>;
  /** What a task list shows once it ran. */
  readonly done: (report: TransferReport, durationMs: number) => string;
}

/** The phases of one command, in order, after opening the source (openTransfer). Both transferDatabase and the task lists run these. */
export interface TransferPipeline {
  readonly command: 'transfer' | 'verify';
  /** Titles of the opening step: while it runs, and once the plan is made. */
  readonly opening: (sqlitePath: string) => string;
  readonly opened: (plan: TransferPlan, sqlitePath: string) => string;
  readonly phases: readonly TransferPhase[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const always = () => true;
const rowsIn = (report: TransferReport) => report.tables.reduce((n, t) => n + t.rows, 0);

export const transferPipeline: TransferPipeline = Object.freeze({
  command: 'transfer',
  opening: (sqlitePath: string) => `Check and read ${sqlitePath}`,
  opened: (plan: TransferPlan, sqlitePath: string) =>
    `Planned ${plan.tables.length} table(s), ${plan.tables.reduce((n, t) => n + t.rows, 0)} row(s), ${plan.views.length} view(s) from ${sqlitePath}`,
  phases: Object.freeze([
    {
      name: 'create',
      title: 'Create tables',
      enabled: always,
      run: createTables,
      done: (report: TransferReport, ms: number) => `Created tables in schema "${report.schema}" (${seconds(ms)})`,
    },
    {
      name: 'load',
      title: 'Copy rows with COPY',
      enabled: always,
      run: loadTables,
      done: (report: TransferReport, ms: number) => `Copied ${rowsIn(report)} row(s) in ${seconds(ms)}`,
    },
    {
      name: 'keys and indexes',
      title: 'Add keys, indexes, checks, foreign keys and views',
      enabled: always,
      run: finishSchema,
      done: (_report: TransferReport, ms: number) => `Added keys, indexes, foreign keys and views (${seconds(ms)})`,
    },
    {
      name: 'verify',
      title: 'Verify row counts and content digests',
      enabled: (options: ResolvedTransferOptions) => options.verify,
      run: verifyTables,
      done: (report: TransferReport, ms: number) =>
        report.verification?.ok
          ? `Verified every table: equal (${seconds(ms)})`
          : `Verification found ${report.verification?.mismatches.length ?? 0} table(s) that differ`,
    },
  ]),
});

export const verifyPipeline: TransferPipeline = Object.freeze({
  command: 'verify',
  opening: (sqlitePath: string) => `Check and read ${sqlitePath}`,
  opened: (plan: TransferPlan, sqlitePath: string) => `Read ${plan.tables.length} table(s) from ${sqlitePath}`,
  phases: Object.freeze([
    {
      name: 'read',
      title: 'Find the tables in PostgreSQL',
      enabled: always,
      run: bindExistingTables,
      done: (report: TransferReport) =>
        report.failures.length === 0 ? `Found every table in PostgreSQL` : `${report.failures.length} table(s) missing or not readable in PostgreSQL`,
    },
    {
      name: 'verify',
      title: 'Compare row counts and content digests',
      enabled: always,
      run: verifyTables,
      done: (report: TransferReport) =>
        report.verification?.ok && report.failures.length === 0 ? 'Every table is equal' : 'Some tables differ or are missing',
    },
  ]),
});
