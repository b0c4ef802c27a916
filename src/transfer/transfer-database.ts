import { TransferError } from '../errors/transfer-error.ts';
import { VerificationError } from '../errors/verification-error.ts';
import type { TransferDeps } from './open-transfer.ts';
import { transferPipeline, verifyPipeline, type TransferPipeline } from './transfer-phases.ts';
import type { TransferOptions } from './transfer-options.ts';
import type { TransferReport } from './transfer-report.ts';
import { TransferSession } from './transfer-session.ts';

export type { TransferDeps } from './open-transfer.ts';

/** Opens the source, runs the pipeline's enabled phases in order, and closes. */
async function runPipeline(pipeline: TransferPipeline, options: TransferOptions, deps: TransferDeps): Promise<TransferReport> {
  const session = await TransferSession.open(options, deps, pipeline);
  try {
    for (const phase of pipeline.phases) if (phase.enabled(session.options)) await session.run(phase);
  } catch (error) {
    await session.abort();
    throw error;
  }
  return session.close();
}

/**
 * Copies a SQLite database into PostgreSQL: plan, create tables, load, keys/indexes/foreign
 * keys/views, verify. Resolves with the report even when tables failed or differ (`report.ok`
 * false); `assertTransferSucceeded` turns that into the error the CLI exits with.
 */
export function transferDatabase(options: TransferOptions, deps: TransferDeps): Promise<TransferReport> {
  return runPipeline(transferPipeline, options, deps);
}

/** Re-checks a finished copy: every table's row count and content digest on both sides. */
export function verifyDatabase(options: TransferOptions, deps: TransferDeps): Promise<TransferReport> {
  return runPipeline(verifyPipeline, options, deps);
}

/** Throws the error a failed run exits with: tables that did not load first, then differences. */
export function assertTransferSucceeded(report: TransferReport): void {
  const failure = report.failures[0];
  if (failure) {
    throw new TransferError(
      {
        table: failure.table,
        ...(failure.column === undefined ? {} : { column: failure.column }),
        ...(failure.row === undefined ? {} : { rowid: failure.row }),
        problem: failure.problem,
        ...(failure.fix === undefined ? {} : { fix: failure.fix }),
      },
      { otherFailures: report.failures.length - 1 },
    );
  }
  if (report.verification && !report.verification.ok) {
    const { mismatches } = report.verification;
    throw new VerificationError(`Verification failed: ${mismatches.length} table(s) in PostgreSQL differ from the SQLite source:`, mismatches, {
      fix:
        report.command === 'verify'
          ? 'Run `dbops transfer --if-exists truncate` to copy the database again.'
          : 'The data in PostgreSQL is not trustworthy: run the transfer again with --if-exists truncate, and report this if it repeats.',
    });
  }
}
