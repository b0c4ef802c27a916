import { availableParallelism } from 'node:os';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import { describeLocation } from '../errors/transfer-error.ts';
import { describeTarget, isLocalTarget, type ConnectPostgres, type PostgresConnection } from '../postgres/postgres-connection.ts';
import { qualifiedName, quoteIdentifier } from '../postgres/quote-identifier.ts';
import { copyRowsExtension, copyRowsMissing } from '../sqlite/copy-rows-extension.ts';
import { assertQuickCheck, openSourceDatabase, quickCheck, sourceError } from '../sqlite/open-source-database.ts';
import { SourceReaderThread } from '../sqlite/source-reader-thread.ts';
import type { SqliteDatabase } from '../sqlite/sqlite-database.ts';
import { readSqliteSchema, type SqliteSchema, type SqliteTable } from '../sqlite/sqlite-schema.ts';
import { describeProblem, loadTable, ValueProblemError } from './load-table.ts';
import type { ColumnStats } from './column-stats.ts';
import { NotAsDeclaredError } from './copy-batches.ts';
import { EncoderThread } from './encode-in-worker.ts';
import { inferColumnType } from './infer-column-type.ts';
import { assumedStats, readTableStats, scanTableStats } from './read-table-stats.ts';
import { rowOrder, type RowColumn, type RowOrder } from './table-rows.ts';
import { numericType, targetType, targetTypeFromPostgres } from './target-type.ts';
import { resolveTransferOptions, type ResolvedTransferOptions, type TransferOptions } from './transfer-options.ts';
import { createTableSql, planTransfer, replanDefault, selectTables, sequenceSql, type PlannedColumn, type PlannedTable, type SchemaStep, type TableStats, type TransferPlan } from './transfer-plan.ts';
import type { TableReport, TransferReport } from './transfer-report.ts';
import { firstDifference, postgresDigest, postgresRowsSql, postgresStoredCopy, sqliteDigest } from './verify-table.ts';

export interface TransferDeps {
  readonly connect: ConnectPostgres;
  readonly openSource?: (path: string) => SqliteDatabase;
  readonly now?: () => number;
  /** The compiled copy-rows.c to encode with (default: the one built for this machine); null: none, as where it is not built. */
  readonly copyRowsExtension?: string | null;
}

interface TableState {
  readonly plan: PlannedTable;
  readonly report: TableReport;
  columns: RowColumn[];
  order: RowOrder;
  /** Created by this run: dbops may drop and re-create it to widen a column. */
  createdHere: boolean;
  /** Existed before this run (resume keeps it). */
  existed: boolean;
  /**
   * CHECK constraints in place for the load (added to a new table before it), so COPY checks every
   * row and no scan is needed after it; a row that breaks one drops them all, and the finishing
   * phase adds them NOT VALID instead.
   */
  checksOnLoad: SchemaStep[];
}

/** Planned from its declared types, not (yet) from its values: see assumedStats. */
const assumedTypes = (state: TableState) => state.report.typesFrom === 'declared types';

/** Text in a UTF-8 source can go to PostgreSQL as its bytes (see EncodeTableInput.utf8). */
const utf8Source = (schema: SqliteSchema) => schema.encoding.toUpperCase() === 'UTF-8';

interface PgError {
  readonly code?: string;
  readonly message: string;
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

/** Per connection, while keys and indexes are built: enough to sort a few million keys in memory. */
const indexBuildMemory = '256MB';

const pgError = (error: unknown): PgError =>
  typeof error === 'object' && error !== null && 'message' in error ? (error as PgError) : { message: String(error) };

/**
 * One transfer or verification, phase by phase (the listr2 tasks call one phase each; the library
 * functions call them in order). Holds the source snapshot and the PostgreSQL connections.
 */
export class TransferSession {
  readonly options: ResolvedTransferOptions;
  readonly report: TransferReport;
  private readonly states: TableState[] = [];
  private readonly now: () => number;
  /** The source file, when a worker thread may encode from it on a second connection (see encode-in-worker.ts). */
  private workerSource: string | undefined;
  /**
   * PRAGMA quick_check's verdict on the source. A transfer does not wait for it to start loading:
   * every load waits for it before COMMIT, and nothing stays in PostgreSQL when it fails.
   */
  private sourceCheck: Promise<void> = Promise.resolve();
  /** Its error, once it failed: loads stop at their next batch. */
  private sourceDamage: unknown;
  /** The thread started early to encode the largest table; stopped at the end whether a load took it or not. */
  private spareEncoder: EncoderThread | undefined;
  private spareEncoderTaken = false;
  /** The compiled copy-rows.c (undefined when not built: the report says so). */
  private copyRows: string | undefined;

  private constructor(
    options: ResolvedTransferOptions,
    private readonly db: SqliteDatabase,
    readonly schema: SqliteSchema,
    readonly plan: TransferPlan,
    private readonly stats: Map<string, TableStats>,
    /** The tables planned from their declared types (see assumedStats). */
    private readonly assumed: ReadonlySet<string>,
    private readonly connections: PostgresConnection[],
    command: 'transfer' | 'verify',
    now: () => number,
    private readonly started: number,
  ) {
    this.options = options;
    this.now = now;
    this.report = {
      command,
      source: options.sqlitePath,
      target: describeTarget(options.postgres),
      schema: options.schema,
      startedAt: new Date(now()).toISOString(),
      durationMs: 0,
      phases: [],
      tables: [],
      widenedColumns: [],
      warnings: [],
      untranslatable: [...plan.untranslatable],
      orphans: [],
      replaced: [],
      failures: [],
      verification: null,
      ok: false,
    };
  }

  /** Opens and checks the source, reads its schema and values, plans the target, connects. */
  static async prepare(input: TransferOptions, deps: TransferDeps, command: 'transfer' | 'verify'): Promise<TransferSession> {
    const options = resolveTransferOptions(input);
    const now = deps.now ?? Date.now;
    const started = now();
    // PRAGMA quick_check reads every page: a second thread runs it beside the schema and statistics reads.
    const helper = deps.openSource ? undefined : SourceReaderThread.start(options.sqlitePath);
    const check = helper?.quickCheck();
    let db: SqliteDatabase;
    try {
      db = deps.openSource ? deps.openSource(options.sqlitePath) : openSourceDatabase(options.sqlitePath, undefined, { quickCheck: false });
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
      const workerSource = !deps.openSource && rollbackJournal(db) ? options.sqlitePath : undefined;
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
        stats = await readTableStats(db, tables.filter((t) => !assumed.has(t.name)), workerSource ? helper : undefined);
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
      const session = new TransferSession(options, db, schema, plan, stats, new Set(assumed.keys()), connections, command, now, started);
      session.workerSource = workerSource;
      session.copyRows = deps.copyRowsExtension === undefined ? copyRowsExtension() : (deps.copyRowsExtension ?? undefined);
      session.sourceCheck = checked;
      checked.catch((error: unknown) => (session.sourceDamage = error));
      session.spareEncoder = encoder;
      for (const table of plan.tables) {
        for (const column of table.columns) {
          if (column.widened) session.report.widenedColumns.push({ table: table.source.name, column: column.source, type: column.type.sql, reason: column.widened });
        }
      }
      return session;
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

  /** Runs one phase and records how long it took. */
  async phase<T>(name: string, run: () => Promise<T>): Promise<T> {
    const started = this.now();
    try {
      return await run();
    } finally {
      this.report.phases.push({ name, durationMs: this.now() - started });
    }
  }

  private get main(): PostgresConnection {
    return this.connections[0] as PostgresConnection;
  }

  /** Creates the schema and the tables (per --if-exists), then reads back every column's type. */
  async createTables(): Promise<void> {
    const { schema, ifExists } = this.options;
    await this.main.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    const existing = await this.relations();
    const ours = [...this.plan.tables.map((t) => t.target), ...this.plan.views.map((v) => v.targetName)];
    const clashes = ours.filter((name) => existing.has(name));
    if (clashes.length > 0 && ifExists === 'fail') {
      throw new DbopsError(
        `The PostgreSQL schema "${schema}" at ${this.report.target} already has ${clashes.length} of the relations this transfer creates: ${clashes.slice(0, 10).join(', ')}${clashes.length > 10 ? ', ...' : ''}. ` +
          'Nothing was changed. Use --if-exists truncate to replace them with the SQLite data, --if-exists resume to finish an interrupted transfer, or --schema to load elsewhere.',
        { exitCode: ExitCode.refused },
      );
    }
    if (clashes.length > 0 && ifExists === 'truncate') {
      // Nothing is dropped for a source that turns out damaged.
      await this.sourceCheck;
      const views = this.plan.views.map((v) => v.targetName).filter((n) => existing.get(n) === 'v');
      if (views.length > 0) await this.main.query(`DROP VIEW IF EXISTS ${views.map((v) => qualifiedName(schema, v)).join(', ')}`);
      const tables = this.plan.tables.map((t) => t.target).filter((n) => existing.get(n) === 'r');
      if (tables.length > 0) await this.main.query(`DROP TABLE ${tables.map((t) => qualifiedName(schema, t)).join(', ')}`);
      for (const name of [...views, ...tables]) existing.delete(name);
    }
    for (const table of this.plan.tables) {
      const existed = existing.has(table.target);
      if (!existed) await this.main.query(createTableSql(schema, table, this.plan.collation));
      // A table kept for resume may have them from the interrupted run.
      const checksOnLoad = existed ? this.checksOf(table) : await this.addChecks(this.main, this.checksOf(table));
      const stats = this.stats.get(table.source.name) as TableStats;
      this.states.push({
        plan: table,
        report: {
          table: table.source.name,
          target: table.target,
          sourceRows: table.rows,
          rows: 0,
          status: 'pending',
          durationMs: 0,
          rowsPerSecond: 0,
          typesFrom: this.assumed.has(table.source.name) ? 'declared types' : 'stored values',
        },
        columns: [],
        order: rowOrder(table.source, table.columns, stats.columns, table.rows),
        createdHere: !existed,
        existed,
        checksOnLoad,
      });
    }
    this.report.tables.push(...this.states.map((s) => s.report));
    await this.bindColumns();
  }

  /** For verify: the tables must exist already; their column types come from PostgreSQL. */
  async bindExistingTables(): Promise<void> {
    const existing = await this.relations();
    for (const table of this.plan.tables) {
      const stats = this.stats.get(table.source.name) as TableStats;
      const state: TableState = {
        plan: table,
        report: { table: table.source.name, target: table.target, sourceRows: table.rows, rows: 0, status: 'pending', durationMs: 0, rowsPerSecond: 0 },
        columns: [],
        order: rowOrder(table.source, table.columns, stats.columns, table.rows),
        createdHere: false,
        existed: existing.get(table.target) === 'r',
        checksOnLoad: [],
      };
      if (!state.existed) {
        state.report.status = 'failed';
        this.report.failures.push({ table: table.source.name, message: `table "${table.source.name}" is missing in PostgreSQL (expected ${qualifiedName(this.options.schema, table.target)})` });
      } else {
        state.report.status = 'already complete';
      }
      this.states.push(state);
    }
    this.report.tables.push(...this.states.map((s) => s.report));
    await this.bindColumns();
  }

  private async relations(): Promise<Map<string, string>> {
    const result = await this.main.query<{ relname: string; relkind: string }>(
      'SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1',
      [this.options.schema],
    );
    return new Map(result.rows.map((r) => [r.relname, r.relkind]));
  }

  /** Takes each column's type from PostgreSQL, so existing tables (resume, verify) are read as they are. */
  private async bindColumns(): Promise<void> {
    const result = await this.main.query<{ relname: string; attname: string; type: string }>(
      `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND a.attnum > 0 AND NOT a.attisdropped AND c.relname = ANY($2)`,
      [this.options.schema, this.states.map((s) => s.plan.target)],
    );
    for (const state of this.states) {
      if (state.report.status === 'failed') continue;
      const types = new Map(result.rows.filter((r) => r.relname === state.plan.target).map((r) => [r.attname, r.type]));
      const columns: RowColumn[] = [];
      for (const column of state.plan.columns) {
        const formatted = types.get(column.target);
        const type = formatted === undefined ? undefined : targetTypeFromPostgres(formatted);
        if (type === undefined) {
          this.fail(state, {
            table: state.plan.source.name,
            column: column.source,
            message:
              `${describeLocation({ table: state.plan.source.name, column: column.source })}: the existing PostgreSQL table ${qualifiedName(this.options.schema, state.plan.target)} ` +
              (formatted === undefined ? `has no column "${column.target}".` : `has it as ${formatted}, which dbops cannot load exactly.`) +
              ' Drop the table (or use --if-exists truncate) so dbops creates it.',
          });
          break;
        }
        column.type = type;
        columns.push(column);
      }
      state.columns = columns;
      const stats = this.stats.get(state.plan.source.name) as TableStats;
      state.order = rowOrder(state.plan.source, columns, stats.columns, state.plan.rows);
    }
  }

  private fail(state: TableState, failure: { table: string; column?: string; row?: string; message: string }): void {
    state.report.status = 'failed';
    this.report.failures.push(failure);
  }

  /**
   * Copies every table, several at once (one connection each), widening a column and retrying when
   * a value needs it. When quick_check finds the source damaged, no load commits and the tables
   * this run created are dropped again.
   */
  async loadTables(): Promise<void> {
    const queue = [...this.states].filter((s) => s.report.status === 'pending').sort((a, b) => b.plan.rows - a.plan.rows);
    if (queue.length > 0 && !this.copyRows) this.report.warnings.push(copyRowsMissing);
    // The largest table is encoded in a worker thread, the others here, beside it.
    const largest = queue[0];
    const early = this.verifiesTransfer;
    const verifying = new Set<TableState>();
    let loading = this.connections.length;
    const loads = this.connections.map(async (connection) => {
      for (let state = queue.shift(); state; state = queue.shift()) await this.loadOne(connection, state, state === largest ? this.workerSource : undefined);
      loading -= 1;
      // Nothing left to load here: while other loads go on, verify the tables already loaded (only
      // reads; keys and indexes change no data), so fewer wait for the index builds at the end.
      while (early && loading > 0) {
        const state = this.verifiable().find((s) => s.report.verified === undefined && !verifying.has(s));
        if (!state) break;
        verifying.add(state);
        await this.verifyTable(connection, state);
      }
    });
    try {
      await Promise.all(loads);
      await this.sourceCheck;
    } catch (error) {
      const damaged = await this.sourceCheck.then(
        () => undefined,
        (checkError: unknown) => checkError,
      );
      if (damaged === undefined) throw error;
      // Every load stops and rolls back (see loadOne), then the empty tables go.
      await Promise.allSettled(loads);
      const created = this.states.filter((s) => s.createdHere).map((s) => qualifiedName(this.options.schema, s.plan.target));
      if (created.length > 0) await this.main.query(`DROP TABLE IF EXISTS ${created.join(', ')}`);
      throw damaged;
    }
  }

  private async loadOne(connection: PostgresConnection, state: TableState, workerPath: string | undefined): Promise<void> {
    const { plan, report } = state;
    const qualified = qualifiedName(this.options.schema, plan.target);
    if (state.existed && this.options.ifExists === 'resume') {
      const count = await connection.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified}`);
      if (Number(count.rows[0]?.n) === plan.rows) {
        report.status = 'already complete';
        report.rows = plan.rows;
        return;
      }
      // Reloading a table that foreign keys point at: drop them, the finishing phase adds them again.
      for (const fk of this.plan.foreignKeys.filter((f) => f.table === plan.source.name || f.foreignKey?.parent === qualified)) {
        const child = this.plan.tables.find((t) => t.source.name === fk.table);
        if (child) await connection.query(`ALTER TABLE ${qualifiedName(this.options.schema, child.target)} DROP CONSTRAINT IF EXISTS ${quoteIdentifier(fk.targetName)}`);
      }
    }
    const started = this.now();
    for (let attempt = 0; attempt <= plan.columns.length * 2; attempt += 1) {
      try {
        const result = await loadTable({
          db: this.db,
          connection,
          schema: this.options.schema,
          table: plan.source,
          target: plan.target,
          columns: state.columns,
          order: state.order,
          utf8: utf8Source(this.schema),
          replaceInvalid: this.options.invalidText === 'replace',
          assumed: assumedTypes(state),
          extension: this.copyRows,
          beforeCommit: () => this.sourceCheck,
          stopIf: () => {
            if (this.sourceDamage !== undefined) throw this.sourceDamage;
          },
          ...(workerPath ? { workerPath, ...this.takeSpareEncoder() } : {}),
          onRows: (rowsDone) => {
            const seconds = Math.max(0.001, (this.now() - started) / 1000);
            this.options.onProgress({ table: plan.source.name, rowsDone, rowsTotal: plan.rows, rowsPerSecond: rowsDone / seconds });
          },
        });
        report.rows = result.rows;
        report.sourceDigest = result.digest;
        report.status = 'loaded';
        report.durationMs = this.now() - started;
        report.rowsPerSecond = result.rows / Math.max(0.001, report.durationMs / 1000);
        this.report.replaced.push(...result.replaced);
        return;
      } catch (error) {
        if (error instanceof NotAsDeclaredError) {
          await this.planFromValues(connection, state);
          continue;
        }
        if (pgError(error).code === '23514' && state.checksOnLoad.length > 0) {
          await connection.query(`ALTER TABLE ${qualified} ${state.checksOnLoad.map((c) => `DROP CONSTRAINT IF EXISTS ${quoteIdentifier(c.targetName)}`).join(', ')}`);
          state.checksOnLoad = [];
          continue;
        }
        if (!(error instanceof ValueProblemError)) {
          // A read of a damaged file fails as quick_check describes it.
          await this.sourceCheck;
          if (error instanceof DbopsError) throw error;
          this.fail(state, { table: plan.source.name, message: `table "${plan.source.name}": PostgreSQL refused the data: ${pgError(error).message}` });
          return;
        }
        if (!(await this.widen(connection, state, error))) return;
      }
    }
  }

  /**
   * The load met a value the table's declared types did not promise: plans its columns from a scan
   * of its values, as a table is planned up front when its declared types promise nothing, and
   * re-creates it (empty: the load rolled back) when a type changed.
   */
  private async planFromValues(connection: PostgresConnection, state: TableState): Promise<void> {
    const { plan } = state;
    const stats = scanTableStats(this.db, plan.source);
    this.stats.set(plan.source.name, stats);
    state.report.typesFrom = 'stored values';
    let changed = false;
    plan.source.columns.forEach((source, i) => {
      const column = plan.columns[i] as PlannedColumn;
      const inferred = inferColumnType(source.declaredType, stats.columns[i] as ColumnStats, { rowidAlias: source.name === plan.source.rowidAlias });
      if (inferred.type.sql === column.type.sql) return;
      column.type = inferred.type;
      column.widened = inferred.widened;
      if (column.widened) this.noteWidened(plan.source.name, column);
      replanDefault(column, plan.source.name, this.plan.mode, this.report.untranslatable);
      changed = true;
    });
    if (changed && state.createdHere) await this.recreateTable(connection, state);
    state.order = rowOrder(plan.source, state.columns, stats.columns, plan.rows);
  }

  /** Drops the (empty) table and creates it again with its columns' current types and defaults. */
  private async recreateTable(connection: PostgresConnection, state: TableState): Promise<void> {
    await connection.query(`DROP TABLE ${qualifiedName(this.options.schema, state.plan.target)}`);
    await connection.query(createTableSql(this.options.schema, state.plan, this.plan.collation));
    state.checksOnLoad = await this.addChecks(connection, state.checksOnLoad);
  }

  private checksOf(table: PlannedTable): SchemaStep[] {
    return this.plan.constraints.filter((c) => c.kind === 'check' && c.table === table.source.name);
  }

  /** Adds CHECK constraints to a new, empty table; those PostgreSQL refuses are left to the finishing phase, which reports them. */
  private async addChecks(connection: PostgresConnection, checks: readonly SchemaStep[]): Promise<SchemaStep[]> {
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

  /** Lists (or updates) a column whose type is wider than declared in the report. */
  private noteWidened(table: string, column: PlannedColumn): void {
    const existing = this.report.widenedColumns.findIndex((w) => w.table === table && w.column === column.source);
    const entry = { table, column: column.source, type: column.type.sql, reason: column.widened ?? '' };
    if (existing === -1) this.report.widenedColumns.push(entry);
    else this.report.widenedColumns[existing] = entry;
  }

  /** The early-started encoder thread, for the one load that uses it. */
  private takeSpareEncoder(): { encoderThread?: EncoderThread } {
    if (this.spareEncoderTaken || !this.spareEncoder) return {};
    this.spareEncoderTaken = true;
    return { encoderThread: this.spareEncoder };
  }

  /** Widens the column a value did not fit and re-creates the (empty) table; false when the table fails instead. */
  private async widen(connection: PostgresConnection, state: TableState, error: ValueProblemError): Promise<boolean> {
    const { plan } = state;
    const column = plan.columns.find((c) => c.source === error.column);
    const invalidText = error.problem.type !== 'convert';
    const location = { table: plan.source.name, column: error.column, rowid: error.row };
    if (!column || !state.createdHere || (invalidText && this.options.invalidText !== 'bytea')) {
      const fix = invalidText
        ? 'The table was not loaded. Run again with --invalid-text bytea to load the column as bytea, or --invalid-text replace to replace the bad bytes (each changed row is listed in the report).'
        : 'The table was not loaded: the existing PostgreSQL column cannot hold this value. Use --if-exists truncate so dbops creates the table with a type that can.';
      this.fail(state, { table: plan.source.name, column: error.column, row: error.row, message: `${error.message.replace(/^table "[^"]*", column "[^"]*", /, `${describeLocation(location)}: `)}. ${fix}` });
      return false;
    }
    const from = column.type.sql;
    if (invalidText) column.type = targetType('bytea');
    else if (column.type.kind === 'numeric' && column.type.precision !== undefined) column.type = numericType();
    else if (column.type.kind === 'double') column.type = numericType();
    else column.type = targetType('text');
    const why = invalidText ? `${describeProblem(error.problem)} (${error.row}); loaded as bytea (--invalid-text bytea)` : `${describeProblem(error.problem)} (${error.row}); ${from} widened to ${column.type.sql}`;
    column.widened = why;
    this.noteWidened(plan.source.name, column);
    replanDefault(column, plan.source.name, this.plan.mode, this.report.untranslatable);
    await this.recreateTable(connection, state);
    const stats = this.stats.get(plan.source.name) as TableStats;
    state.order = rowOrder(plan.source, state.columns, stats.columns, plan.rows);
    return true;
  }

  /**
   * After the data: sequences; then index builds (keys included) in parallel with the verification
   * of every table when this transfer verifies, since reads and index builds do not block each
   * other, followed by check validations and foreign keys, beside the last verifications; then
   * the short steps that lock a table (attaching keys to their indexes); then views.
   */
  async finishSchema(): Promise<void> {
    const loaded = new Set(this.states.filter((s) => s.report.status === 'loaded' || s.report.status === 'already complete').map((s) => s.plan.source.name));
    const existing = await this.existingNames();
    for (const state of this.states) {
      const sql = loaded.has(state.plan.source.name) ? sequenceSql(this.options.schema, state.plan) : undefined;
      if (sql) await this.main.query(sql);
    }
    const skipped = (step: SchemaStep) => {
      if (existing.constraints.has(step.targetName) || (!step.index && existing.relations.has(step.targetName))) return true;
      if (step.kind !== 'view' && !loaded.has(step.table)) {
        this.report.untranslatable.push({ kind: step.kind, object: `${step.table}: ${step.name}`, reason: 'not created because the table did not load' });
        return true;
      }
      return false;
    };
    const refused = (step: SchemaStep, error: unknown) =>
      this.report.untranslatable.push({ kind: step.kind, object: `${step.table}: ${step.name}`, reason: `PostgreSQL refused it: ${pgError(error).message}` });
    const constraints = this.plan.constraints.filter((s) => !skipped(s));
    const rows = (table: string) => this.states.find((s) => s.plan.source.name === table)?.plan.rows ?? 0;
    // Checks not in place since before the load are added NOT VALID now (a moment's lock, before
    // any read starts) and validated in the pool below: validation locks out writes and index
    // builds, never the verification's reads.
    const validations: SchemaStep[] = [];
    for (const step of constraints.filter((s) => s.kind === 'check')) {
      try {
        await this.main.query(`${step.sql} NOT VALID`);
        validations.push(step);
      } catch (error) {
        refused(step, error);
      }
    }
    type Work = { build: SchemaStep } | { state: TableState } | { validate: SchemaStep } | { foreignKey: SchemaStep };
    const builds: Work[] = constraints.filter((s) => s.kind === 'index' || (s.index && !existing.relations.has(s.targetName))).map((build) => ({ build }));
    const checks: Work[] = this.verifiesTransfer ? this.verifiable().filter((s) => s.report.verified === undefined).map((state) => ({ state })) : [];
    const size = (item: Work) => ('state' in item ? item.state.plan.rows : rows('build' in item ? item.build.table : ''));
    const foreignKeys = this.plan.foreignKeys.filter((s) => !skipped(s) && loaded.has(this.plan.tables.find((t) => qualifiedName(this.options.schema, t.target) === s.foreignKey?.parent)?.source.name ?? ''));
    // Largest tables first, so the long tasks start early and the two connections finish together;
    // validations last, after the index builds they would wait for; then foreign keys, once every
    // build has finished: they need the parent's unique index (not yet its constraint) and lock out
    // index builds, not reads, so they run beside the last verifications.
    const work: Work[] = [
      ...[...checks, ...builds].sort((a, b) => size(b) - size(a)),
      ...validations.map((validate) => ({ validate })),
      ...foreignKeys.map((foreignKey) => ({ foreignKey })),
    ];
    let buildsLeft = builds.length;
    let allBuilt = (): void => undefined;
    const built = buildsLeft === 0 ? Promise.resolve() : new Promise<void>((resolve) => (allBuilt = resolve));
    const failed = new Set<SchemaStep>();
    // PostgreSQL's parallel index build pays only with cores to spare: on a server that shares this
    // machine's cores with the other connections and this process, it took a quarter more CPU.
    const serial = isLocalTarget(this.options.postgres) && availableParallelism() < this.connections.length + 2;
    await Promise.all(this.connections.map((c) => c.query(`SET maintenance_work_mem = '${indexBuildMemory}'${serial ? '; SET max_parallel_maintenance_workers = 0' : ''}`)));
    await this.runPool(work, async (connection, item) => {
      if ('state' in item) return this.verifyTable(connection, item.state);
      if ('foreignKey' in item) {
        await built;
        return this.addForeignKey(connection, item.foreignKey);
      }
      if ('validate' in item) {
        const step = item.validate;
        try {
          await connection.query(`ALTER TABLE ${qualifiedName(this.options.schema, this.plan.tables.find((t) => t.source.name === step.table)?.target ?? step.table)} VALIDATE CONSTRAINT ${quoteIdentifier(step.targetName)}`);
        } catch (error) {
          if (pgError(error).code !== '23514') throw error;
          this.report.warnings.push(`CHECK ${step.name} on "${step.table}" was added NOT VALID: some SQLite rows break it (rows kept).`);
        }
        return;
      }
      const step = item.build;
      try {
        await connection.query(step.index ?? step.sql);
      } catch (error) {
        failed.add(step);
        refused(step, error);
      } finally {
        buildsLeft -= 1;
        if (buildsLeft === 0) allBuilt();
      }
    });
    await this.runPool(
      constraints.filter((s) => s.kind !== 'index' && s.kind !== 'check' && !failed.has(s)),
      async (connection, step) => {
        try {
          await connection.query(step.sql);
        } catch (error) {
          refused(step, error);
        }
      },
    );
    await this.createViews(this.plan.views.filter((v) => !existing.relations.has(v.targetName)));
  }

  /** Adds a foreign key; rows SQLite let through without their parent keep it NOT VALID, counted in the report. */
  private async addForeignKey(connection: PostgresConnection, step: SchemaStep): Promise<void> {
    try {
      await connection.query(step.sql);
    } catch (error) {
      const e = pgError(error);
      const fk = step.foreignKey;
      if (e.code !== '23503' || !fk) {
        this.report.untranslatable.push({ kind: 'foreign key', object: `${step.table} ${step.name}`, reason: `PostgreSQL refused it: ${e.message}` });
        return;
      }
      const notNull = fk.columns.map((c) => `c.${quoteIdentifier(c)} IS NOT NULL`).join(' AND ');
      const match = fk.columns.map((c, i) => `p.${quoteIdentifier(fk.parentColumns[i] as string)} = c.${quoteIdentifier(c)}`).join(' AND ');
      const orphans = await connection.query<{ n: string }>(`SELECT count(*) AS n FROM ${fk.child} c WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${fk.parent} p WHERE ${match})`);
      await connection.query(`${step.sql} NOT VALID`);
      this.report.orphans.push({ table: step.table, foreignKey: step.name, constraint: step.targetName, orphanRows: Number(orphans.rows[0]?.n ?? 0) });
    }
  }

  /** Indexes and views (relations), and constraints, already in the target schema. */
  private async existingNames(): Promise<{ relations: Set<string>; constraints: Set<string> }> {
    const result = await this.main.query<{ name: string; constraint: boolean }>(
      `SELECT c.relname AS name, false AS constraint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('i', 'v')
       UNION SELECT conname, true FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = $1`,
      [this.options.schema],
    );
    return {
      relations: new Set(result.rows.filter((r) => !r.constraint).map((r) => r.name)),
      constraints: new Set(result.rows.filter((r) => r.constraint).map((r) => r.name)),
    };
  }

  /** Views in rounds: a view that reads another view waits until that one exists. */
  private async createViews(views: SchemaStep[]): Promise<void> {
    await this.main.query(`SET search_path TO ${quoteIdentifier(this.options.schema)}`);
    let pending = views;
    const errors = new Map<string, string>();
    while (pending.length > 0) {
      const failed: SchemaStep[] = [];
      for (const view of pending) {
        try {
          await this.main.query(view.sql);
        } catch (error) {
          errors.set(view.name, pgError(error).message);
          failed.push(view);
        }
      }
      if (failed.length === pending.length) break;
      pending = failed;
    }
    for (const view of pending) this.report.untranslatable.push({ kind: 'view', object: view.name, reason: `PostgreSQL refused the translated SQL: ${errors.get(view.name) ?? ''}` });
  }

  private async runPool<T>(items: readonly T[], run: (connection: PostgresConnection, item: T) => Promise<void>): Promise<void> {
    const queue = [...items];
    await Promise.all(
      this.connections.map(async (connection) => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) await run(connection, item);
      }),
    );
  }

  /** A transfer verifies as it goes (while other tables load, beside the index builds) unless --no-verify. */
  private get verifiesTransfer(): boolean {
    return this.options.verify && this.report.command === 'transfer';
  }

  private verifiable(): TableState[] {
    return this.states.filter((s) => s.report.status === 'loaded' || s.report.status === 'already complete');
  }

  /** Compares every table by row count and content digest, PostgreSQL against SQLite (tables finishSchema verified already are not read again). */
  async verify(): Promise<void> {
    const states = this.verifiable();
    await this.runPool(
      states.filter((s) => s.report.verified === undefined),
      (connection, state) => this.verifyTable(connection, state),
    );
    const mismatches = states.filter((s) => s.report.verified?.ok === false).map((s) => ({ table: s.plan.source.name, detail: s.report.verified?.detail ?? '' }));
    this.report.verification = { ok: mismatches.length === 0, mismatches };
  }

  /**
   * One table: PostgreSQL's rows are read in the order they are stored first, which for a table
   * COPY filled is the order they were sent in (key order, or rowid order), so no index or sort is
   * needed; only when that digest differs are both sides compared again in key order, before any
   * difference is reported.
   */
  private async verifyTable(connection: PostgresConnection, state: TableState): Promise<void> {
    const { plan, report, order } = state;
    const utf8 = utf8Source(this.schema);
    const replace = this.options.invalidText === 'replace';
    const byKey = order.byKey ?? order;
    await connection.query('SET synchronize_seqscans = off');
    const stored = postgresStoredCopy(this.options.schema, plan.target, plan.source, state.columns, order);
    const sorted = postgresRowsSql(this.options.schema, plan.target, plan.source, state.columns, byKey);
    const target = postgresDigest(connection, stored, order.ordered);
    // Keep a rejection handled while the SQLite side is computed.
    target.catch(() => undefined);
    const source = report.sourceDigest ?? sqliteDigest(this.db, plan.source, state.columns, order, utf8, replace, this.copyRows).digest;
    report.sourceDigest = source;
    let result = await target;
    let expected = source;
    if (order.ordered && result.rows === plan.rows && result.digest !== source) {
      // Stored in another order than sent (changed since, or loaded by another run or tool).
      const again = postgresDigest(connection, `COPY (${sorted}) TO STDOUT`, true);
      again.catch(() => undefined);
      if (byKey !== order) expected = sqliteDigest(this.db, plan.source, state.columns, byKey, utf8, replace, this.copyRows).digest;
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
        : await firstDifference(this.db, connection, sorted, plan.source, state.columns, byKey, utf8, replace);
    report.verified = { ok: false, rows: result.rows, detail };
  }

  /** Marks the report done and releases the snapshot and connections. */
  async close(): Promise<TransferReport> {
    this.report.durationMs = this.now() - this.started;
    this.report.ok = this.report.failures.length === 0 && (this.report.verification?.ok ?? true);
    await this.spareEncoder?.stop();
    this.db.close();
    await Promise.all(this.connections.map((c) => c.close().catch(() => undefined)));
    return this.report;
  }

  /** Releases everything after an error, without touching the report. */
  async abort(): Promise<void> {
    await this.spareEncoder?.stop();
    try {
      this.db.close();
    } catch {
      // already closed
    }
    await Promise.all(this.connections.map((c) => c.close().catch(() => undefined)));
  }
}
