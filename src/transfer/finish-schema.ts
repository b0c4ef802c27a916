import { availableParallelism } from 'node:os';
import { isLocalTarget, type PostgresConnection } from '../postgres/postgres-connection.ts';
import { qualifiedName, quoteIdentifier } from '../postgres/quote-identifier.ts';
import { existingNames } from './target-catalog.ts';
import { sequenceSql, type SchemaStep } from './transfer-plan.ts';
import { mainConnection, pgError, runPool, verifiable, verifiesTransfer, type TableState, type TransferState } from './transfer-state.ts';
import { verifyLoadedTable } from './verify-loaded-table.ts';

/** Per connection, while keys and indexes are built: enough to sort a few million keys in memory. */
const indexBuildMemory = '256MB';

type Work = { build: SchemaStep } | { table: TableState } | { validate: SchemaStep } | { foreignKey: SchemaStep };

/**
 * The finishing phase, after the data: sequences; then index builds (keys included) in parallel
 * with the verification of every table when this transfer verifies, since reads and index builds
 * do not block each other, followed by check validations and foreign keys, beside the last
 * verifications; then the short steps that lock a table (attaching keys to their indexes); then views.
 */
export async function finishSchema(state: TransferState): Promise<void> {
  const { schema } = state.options;
  const main = mainConnection(state);
  const loaded = new Set(verifiable(state).map((s) => s.plan.source.name));
  const existing = await existingNames(main, schema);
  for (const table of state.tables) {
    const sql = loaded.has(table.plan.source.name) ? sequenceSql(schema, table.plan) : undefined;
    if (sql) await main.query(sql);
  }
  const skipped = (step: SchemaStep) => {
    if (existing.constraints.has(step.targetName) || (!step.index && existing.relations.has(step.targetName))) return true;
    if (step.kind !== 'view' && !loaded.has(step.table)) {
      state.report.untranslatable.push({ kind: step.kind, object: `${step.table}: ${step.name}`, reason: 'not created because the table did not load' });
      return true;
    }
    return false;
  };
  const refused = (step: SchemaStep, error: unknown) =>
    state.report.untranslatable.push({ kind: step.kind, object: `${step.table}: ${step.name}`, reason: `PostgreSQL refused it: ${pgError(error).message}` });
  const constraints = state.plan.constraints.filter((s) => !skipped(s));
  const rows = (table: string) => state.tables.find((s) => s.plan.source.name === table)?.plan.rows ?? 0;
  // Checks not in place since before the load are added NOT VALID now (a moment's lock, before
  // any read starts) and validated in the pool below: validation locks out writes and index
  // builds, never the verification's reads.
  const validations: SchemaStep[] = [];
  for (const step of constraints.filter((s) => s.kind === 'check')) {
    try {
      await main.query(`${step.sql} NOT VALID`);
      validations.push(step);
    } catch (error) {
      refused(step, error);
    }
  }
  const builds: Work[] = constraints.filter((s) => s.kind === 'index' || (s.index && !existing.relations.has(s.targetName))).map((build) => ({ build }));
  const checks: Work[] = verifiesTransfer(state)
    ? verifiable(state)
        .filter((s) => s.report.verified === undefined)
        .map((table) => ({ table }))
    : [];
  const size = (item: Work) => ('table' in item ? item.table.plan.rows : rows('build' in item ? item.build.table : ''));
  const parentLoaded = (step: SchemaStep) =>
    loaded.has(state.plan.tables.find((t) => qualifiedName(schema, t.target) === step.foreignKey?.parent)?.source.name ?? '');
  const foreignKeys = state.plan.foreignKeys.filter((s) => !skipped(s) && parentLoaded(s));
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
  const serial = isLocalTarget(state.options.postgres) && availableParallelism() < state.connections.length + 2;
  await Promise.all(
    state.connections.map((c) => c.query(`SET maintenance_work_mem = '${indexBuildMemory}'${serial ? '; SET max_parallel_maintenance_workers = 0' : ''}`)),
  );
  await runPool(state, work, async (connection, item) => {
    if ('table' in item) return verifyLoadedTable(state, connection, item.table);
    if ('foreignKey' in item) {
      await built;
      return addForeignKey(state, connection, item.foreignKey);
    }
    if ('validate' in item) return validateCheck(state, connection, item.validate);
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
  await runPool(
    state,
    constraints.filter((s) => s.kind !== 'index' && s.kind !== 'check' && !failed.has(s)),
    async (connection, step) => {
      try {
        await connection.query(step.sql);
      } catch (error) {
        refused(step, error);
      }
    },
  );
  await createViews(
    state,
    state.plan.views.filter((v) => !existing.relations.has(v.targetName)),
  );
}

/** Validates a check added NOT VALID; rows SQLite let through that break it leave it NOT VALID, with a warning. */
async function validateCheck(state: TransferState, connection: PostgresConnection, step: SchemaStep): Promise<void> {
  const table = qualifiedName(state.options.schema, state.plan.tables.find((t) => t.source.name === step.table)?.target ?? step.table);
  try {
    await connection.query(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${quoteIdentifier(step.targetName)}`);
  } catch (error) {
    if (pgError(error).code !== '23514') throw error;
    state.report.warnings.push(`CHECK ${step.name} on "${step.table}" was added NOT VALID: some SQLite rows break it (rows kept).`);
  }
}

/** Adds a foreign key; rows SQLite let through without their parent keep it NOT VALID, counted in the report. */
async function addForeignKey(state: TransferState, connection: PostgresConnection, step: SchemaStep): Promise<void> {
  try {
    await connection.query(step.sql);
  } catch (error) {
    const e = pgError(error);
    const fk = step.foreignKey;
    if (e.code !== '23503' || !fk) {
      state.report.untranslatable.push({ kind: 'foreign key', object: `${step.table} ${step.name}`, reason: `PostgreSQL refused it: ${e.message}` });
      return;
    }
    const notNull = fk.columns.map((c) => `c.${quoteIdentifier(c)} IS NOT NULL`).join(' AND ');
    const match = fk.columns.map((c, i) => `p.${quoteIdentifier(fk.parentColumns[i] as string)} = c.${quoteIdentifier(c)}`).join(' AND ');
    const orphans = await connection.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${fk.child} c WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${fk.parent} p WHERE ${match})`,
    );
    await connection.query(`${step.sql} NOT VALID`);
    state.report.orphans.push({ table: step.table, foreignKey: step.name, constraint: step.targetName, orphanRows: Number(orphans.rows[0]?.n ?? 0) });
  }
}

/** Views in rounds: a view that reads another view waits until that one exists. */
async function createViews(state: TransferState, views: readonly SchemaStep[]): Promise<void> {
  const main = mainConnection(state);
  await main.query(`SET search_path TO ${quoteIdentifier(state.options.schema)}`);
  let pending = views;
  const errors = new Map<string, string>();
  while (pending.length > 0) {
    const failed: SchemaStep[] = [];
    for (const view of pending) {
      try {
        await main.query(view.sql);
      } catch (error) {
        errors.set(view.name, pgError(error).message);
        failed.push(view);
      }
    }
    if (failed.length === pending.length) break;
    pending = failed;
  }
  for (const view of pending)
    state.report.untranslatable.push({ kind: 'view', object: view.name, reason: `PostgreSQL refused the translated SQL: ${errors.get(view.name) ?? ''}` });
}
