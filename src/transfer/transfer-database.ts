import { TransferError } from '../errors/transfer-error.ts';
import { VerificationError } from '../errors/verification-error.ts';
import type { TransferOptions } from './transfer-options.ts';
import type { TransferReport } from './transfer-report.ts';
import { TransferSession, type TransferDeps } from './transfer-session.ts';

export type { TransferDeps } from './transfer-session.ts';

/**
 * Copies a SQLite database into PostgreSQL: plan, create tables, load, keys/indexes/foreign
 * keys/views, verify. Resolves with the report even when tables failed or differ (`report.ok`
 * false); `assertTransferSucceeded` turns that into the error the CLI exits with.
 */
export async function transferDatabase(options: TransferOptions, deps: TransferDeps): Promise<TransferReport> {
  const session = await TransferSession.prepare(options, deps, 'transfer');
  try {
    await session.phase('create', () => session.createTables());
    await session.phase('load', () => session.loadTables());
    await session.phase('keys and indexes', () => session.finishSchema());
    if (session.options.verify) await session.phase('verify', () => session.verify());
  } catch (error) {
    await session.abort();
    throw error;
  }
  return session.close();
}

/** Re-checks a finished copy: every table's row count and content digest on both sides. */
export async function verifyDatabase(options: TransferOptions, deps: TransferDeps): Promise<TransferReport> {
  const session = await TransferSession.prepare(options, deps, 'verify');
  try {
    await session.phase('read', () => session.bindExistingTables());
    await session.phase('verify', () => session.verify());
  } catch (error) {
    await session.abort();
    throw error;
  }
  return session.close();
}

/** Throws the error a failed run exits with: tables that did not load first, then differences. */
export function assertTransferSucceeded(report: TransferReport): void {
  const failure = report.failures[0];
  if (failure) {
    const more = report.failures.length > 1 ? ` (${report.failures.length - 1} more failure(s) are listed above and in the report.)` : '';
    throw new TransferError({ table: failure.table, ...(failure.column ? { column: failure.column } : {}), ...(failure.row ? { rowid: failure.row } : {}) }, `${failure.message.replace(/^table "[^"]*"(, column "[^"]*")?(, [^:]*)?: /, '')}${more}`, '');
  }
  if (report.verification && !report.verification.ok) {
    throw new VerificationError(
      report.verification.mismatches,
      report.command === 'verify'
        ? 'Run `dbops transfer --if-exists truncate` to copy the database again.'
        : 'The data in PostgreSQL is not trustworthy: run the transfer again with --if-exists truncate, and report this if it repeats.',
    );
  }
}
