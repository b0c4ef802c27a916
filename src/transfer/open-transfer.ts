import { describeTarget, type ConnectPostgres, type PostgresConnection } from '../postgres/postgres-connection.ts';
import { copyRowsExtension } from '../sqlite/copy-rows-extension.ts';
import { assertQuickCheck, openSourceDatabase, quickCheck, sourceError } from '../sqlite/open-source-database.ts';
import { SourceReaderThread } from '../sqlite/source-reader-thread.ts';
import type { SqliteDatabase } from '../sqlite/sqlite-database.ts';
import { readSqliteSchema, type SqliteSchema, type SqliteTable } from '../sqlite/sqlite-schema.ts';
import { EncoderThread } from './encode-in-worker.ts';
import { assumedStats, readTableStats } from './read-table-stats.ts';
import { resolveTransferOptions, type ResolvedTransferOptions, type TransferOptions } from './transfer-options.ts';
import { planTransfer, selectTables, type TableStats, type TransferPlan } from './transfer-plan.ts';
import type { TransferReport } from './transfer-report.ts';
import { utf8Source, type TransferState } from './transfer-state.ts';

export interface TransferDeps {
  readonly connect: ConnectPostgres;
  readonly openSource?: (path: string) => SqliteDatabase;
  readonly now?: () => number;
  /** The compiled copy-rows.c to encode with (default: the one built for this machine); null: none, as where it is not built. */
  readonly copyRowsExtension?: string | null;
}

/** Waits for the worker's quick_check (or runs it here when no worker could) and throws when the file is damaged. */
async function finishQuickCheck(path: string, db: SqliteDatabase, check: Promise<string[] | undefined>): Promise<void> {
  let problems = await check;
  try {
    problems ??= quickCheck(db);
  } catch (error) {
    throw sourceError(path, error);
  }
  assertQuickCheck(path, problems);
}

/** Closes the connections that opened; the others failed already. */
async function closeAll(connecting: readonly Promise<PostgresConnection>[]): Promise<void> {
  const opened = (await Promise.allSettled(connecting)).flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
  await Promise.all(opened.map((c) => c.close().catch(() => undefined)));
}

/** True for the rollback-journal modes (not WAL, and not a file without a journal). */
function rollbackJournal(db: SqliteDatabase): boolean {
  const mode = String(Object.values(db.get('PRAGMA journal_mode') ?? {})[0] ?? '').toLowerCase();
  return mode === 'delete' || mode === 'truncate' || mode === 'persist';
}

function emptyReport(
  options: ResolvedTransferOptions,
  plan: TransferPlan,
  command: 'transfer' | 'verify',
  startedAt: number,
  readerThread: boolean,
): TransferReport {
  return {
    command,
    source: options.sqlitePath,
    target: describeTarget(options.postgres),
    schema: options.schema,
    startedAt: new Date(startedAt).toISOString(),
    readerThread,
    durationMs: 0,
    phases: [],
    tables: [],
    widenedColumns: plan.tables.flatMap((table) =>
      table.columns.flatMap((column) =>
        column.widened ? [{ table: table.source.name, column: column.source, type: column.type.sql, reason: column.widened }] : [],
      ),
    ),
    warnings: [],
    untranslatable: [...plan.untranslatable],
    orphans: [],
    replaced: [],
    failures: [],
    verification: null,
    ok: false,
  };
}

/**
 * The first phase: opens and checks the source, reads its schema and values, plans the target,
 * connects. Everything it opened is released again when it fails.
 */
export async function openTransfer(input: TransferOptions, deps: TransferDeps, command: 'transfer' | 'verify'): Promise<TransferState> {
  const options = resolveTransferOptions(input);
  const now = deps.now ?? Date.now;
  const started = now();
  // PRAGMA quick_check reads every page: a second thread runs it beside the schema and statistics reads.
  const helper = deps.openSource || !options.readerThread ? undefined : SourceReaderThread.start(options.sqlitePath);
  const check = helper?.quickCheck();
  let db: SqliteDatabase;
  try {
    // Without the thread, the check runs here, before anything else.
    db = deps.openSource ? deps.openSource(options.sqlitePath) : openSourceDatabase(options.sqlitePath, undefined, { quickCheck: helper === undefined });
  } catch (error) {
    await check;
    await helper?.close();
    throw error;
  }
  // Connecting takes a moment (a server process, authentication): it runs beside the checks and
  // the planning, and is awaited after them, so a damaged file is still reported first.
  const connecting = Array.from({ length: options.parallel }, () => deps.connect(options.postgres));
  for (const connection of connecting) connection.catch(() => undefined);
  let checked: Promise<void> | undefined;
  let encoder: EncoderThread | undefined;
  try {
    // A second connection sees our snapshot only under a rollback journal, where our read transaction holds off every commit.
    const sameSnapshot = !deps.openSource && rollbackJournal(db);
    const workerSource = sameSnapshot && options.encoderThread ? options.sqlitePath : undefined;
    // The thread that will encode the largest table loads its modules while the file is checked.
    if (workerSource && command === 'transfer') encoder = EncoderThread.start();
    let schema: SqliteSchema;
    let tables: SqliteTable[];
    let stats: Map<string, TableStats>;
    const assumed = new Map<string, TableStats>();
    try {
      schema = readSqliteSchema(db);
      tables = selectTables(schema, options.tables, options.excludeTables);
      // A transfer into tables it creates plans from the declared types wherever they promise every
      // value's kind, and the load checks the promise, instead of scanning all values first.
      // verify and resume read existing tables, whose key order must come from the values.
      if (command === 'transfer' && options.ifExists !== 'resume' && utf8Source(schema)) {
        for (const table of tables) {
          const promised = assumedStats(db, table);
          if (promised) assumed.set(table.name, promised);
        }
      }
      // The helper then scans statistics too, when it sees this connection's snapshot.
      stats = await readTableStats(
        db,
        tables.filter((t) => !assumed.has(t.name)),
        sameSnapshot ? helper : undefined,
      );
      for (const [name, promised] of assumed) stats.set(name, promised);
    } catch (error) {
      // A damaged file is reported as quick_check describes it, as when the check ran first.
      if (check) await finishQuickCheck(options.sqlitePath, db, check);
      throw sourceError(options.sqlitePath, error);
    }
    checked = check ? finishQuickCheck(options.sqlitePath, db, check) : Promise.resolve();
    checked.catch(() => undefined);
    // verify has nothing to commit: it waits here. A transfer loads beside the check (see sourceCheck).
    if (command === 'verify') await checked;
    const plan = planTransfer(schema, tables, stats, options.schema, options.identifiers, options.collation);
    const connections = await Promise.all(connecting);
    const state: TransferState = {
      command,
      options,
      report: emptyReport(options, plan, command, started, helper !== undefined),
      db,
      schema,
      plan,
      stats,
      assumed: new Set(assumed.keys()),
      connections,
      now,
      started,
      tables: [],
      workerSource,
      copyRows: deps.copyRowsExtension === undefined ? copyRowsExtension() : (deps.copyRowsExtension ?? undefined),
      sourceCheck: checked,
      sourceDamage: undefined,
      spareEncoder: encoder,
      spareEncoderTaken: false,
    };
    checked.catch((error: unknown) => (state.sourceDamage = error));
    return state;
  } catch (error) {
    db.close();
    await closeAll(connecting);
    await encoder?.stop();
    throw error;
  } finally {
    // The helper finishes the check it runs; after a failure here nobody waits for it.
    if (helper && checked) void checked.catch(() => undefined).finally(() => helper.close());
    else await helper?.close();
  }
}
