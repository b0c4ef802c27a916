import type { ListrTask, ListrTaskWrapper } from 'listr2';
import type { ApiHealth } from '../api/api-health.ts';
import type { RunRecord } from '../common/run-record.ts';
import { previousDatabaseUrlKey } from '../config/config-keys.ts';
import { updateEnvFile } from '../config/env-file-edit.ts';
import type { ComposeStack } from '../docker/compose-stack.ts';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import { appPostgresUrl } from '../migrate/app-database-url.ts';
import type { DataMover, MoveResult } from '../migrate/data-mover.ts';
import { MigrationStepError } from '../migrate/migration-step-error.ts';
import { summariseSource, type SourceSummary } from '../migrate/source-summary.ts';
import { inspectTarget, type TargetState } from '../migrate/target-state.ts';
import type { ConnectPostgres, PostgresTarget } from '../postgres/postgres-connection.ts';
import { quoteIdentifier } from '../postgres/quote-identifier.ts';

export interface MigrateContext {
  /** The api already uses PostgreSQL: verify, change nothing. */
  alreadyMigrated: boolean;
  source?: SourceSummary;
  target?: TargetState;
  /** Where dbops connects: 127.0.0.1 and the port the container publishes. Holds the password. */
  postgres?: PostgresTarget;
  apiWasRunning: boolean;
  apiStoppedAt?: number;
  apiDowntimeMs?: number;
  safetyBackup?: string;
  moved?: MoveResult;
  switched: boolean;
  health?: ApiHealth;
}

export interface MigrateDeps {
  readonly stack: ComposeStack;
  readonly mover: DataMover;
  readonly connect: ConnectPostgres;
  /** Takes a verified backup of the current target database and returns its file. */
  readonly safetyBackup: () => Promise<string>;
  readonly record: RunRecord;
  readonly now: () => number;
}

// listr2 types a task by its renderers; the pipeline does not care which renderer runs.
type Task = ListrTaskWrapper<MigrateContext, any, any>;

/**
 * `dbops migrate`: the guide's five manual steps as one pipeline. Every step's failure names the
 * step and its troubleshooting hint; the command then puts the api back on SQLite.
 */
export function migrateTasks(deps: MigrateDeps): ListrTask<MigrateContext>[] {
  const { stack, record } = deps;
  const { config } = stack;
  const appUrl = appPostgresUrl(config);
  const step = (title: string, hint: string, run: (ctx: MigrateContext, task: Task) => Promise<string | void> | string | void) => ({
    title,
    task: async (ctx: MigrateContext, task: Task) => {
      record.log(`start: ${title}`);
      try {
        const done = await run(ctx, task);
        if (done) task.title = done;
        record.log(`done: ${done ?? title}`);
      } catch (error) {
        record.log(`failed: ${title}: ${error instanceof Error ? error.message : String(error)}`);
        throw new MigrationStepError(title, error, hint);
      }
    },
  });
  const firstRun = (ctx: MigrateContext) => !ctx.alreadyMigrated;

  return [
    step('Check the SQLite file', 'give the application database as SQLITE_PATH; it is opened read-only and never changed.', (ctx) => {
      ctx.source = summariseSource(config.sqlitePath);
      return `SQLite ${config.sqlitePath}: ${ctx.source.tables} tables${ctx.source.sessions === undefined ? '' : `, ${ctx.source.sessions} sessions`}, quick_check ok`;
    }),
    step('Start PostgreSQL', 'check `docker ps -a`, that POSTGRES_PORT is free on 127.0.0.1 and that POSTGRES_IMAGE exists.', async (_ctx, task) => {
      await stack.start(['postgres'], (line) => (task.output = line));
      return `Started postgres (project ${config.composeProject})`;
    }),
    step(
      'Wait for pg_isready inside the postgres container',
      'read `docker logs` of the postgres container: a full disk, a data directory of another major version, or bad settings keep it from starting.',
      async (ctx) => {
        const { container, waitedMs } = await stack.waitForPostgres();
        const port = await stack.publishedPort('postgres', '5432/tcp');
        const { user, password, database } = config.postgres;
        ctx.postgres = { host: '127.0.0.1', port, user, password, database };
        return `PostgreSQL ready in ${container.name} after ${(waitedMs / 1000).toFixed(1)} s`;
      },
    ),
    step(
      'Initialise: database, role and password',
      'the volume keeps the user and password it was first created with; use those, or (development only) remove the volume with `dbops down --volumes`.',
      async (ctx) => {
        ctx.target = await inspectTarget(deps.connect, required(ctx.postgres));
        return `Connected as ${config.postgres.user} to ${config.postgres.database} (PostgreSQL ${ctx.target.serverVersion}, ${ctx.target.tables} tables already there)`;
      },
    ),
    {
      ...step('Stop the api so nothing writes to SQLite during the copy', 'check `docker ps`; the api container must stop within its grace period.', async (ctx, task) => {
        ctx.apiWasRunning = await stack.stopApi((line) => (task.output = line));
        ctx.apiStoppedAt = deps.now();
        return ctx.apiWasRunning ? 'Stopped the api: no writes to SQLite from now on' : 'The api was not running';
      }),
      enabled: firstRun,
    },
    {
      ...step('Back up the current PostgreSQL database', 'check free space in BACKUP_DIR and `dbops backup` on its own.', async (ctx) => {
        ctx.safetyBackup = await deps.safetyBackup();
        return `Safety backup: ${ctx.safetyBackup}`;
      }),
      enabled: (ctx) => firstRun(ctx) && (config.environment === 'production' || (ctx.target?.tables ?? 0) > 0),
    },
    {
      ...step('Copy every table and verify every value', 'the message names the table, column and row; fix the source or choose an --invalid-text mode, then run again.', async (ctx, task) => {
        ctx.moved = await deps.mover.copy(config.sqlitePath, required(ctx.postgres), {
          ifExists: (ctx.target?.tables ?? 0) > 0 ? 'truncate' : 'fail',
          onProgress: (progress) =>
            (task.output = `${progress.table}: ${progress.rowsDone}/${progress.rowsTotal} rows, ${Math.round(progress.rowsPerSecond)} rows/s`),
        });
        return `Copied and verified ${ctx.moved.tables.length} tables, ${totalRows(ctx.moved)} rows`;
      }),
      enabled: firstRun,
    },
    {
      ...step('Verify the existing copy', 'the PostgreSQL data differs from SQLite: run `dbops verify` for details.', async (ctx) => {
        ctx.moved = await deps.mover.verify(config.sqlitePath, required(ctx.postgres));
        return `Already migrated: ${ctx.moved.tables.length} tables, ${totalRows(ctx.moved)} rows, all equal to SQLite`;
      }),
      enabled: (ctx) => ctx.alreadyMigrated,
    },
    {
      ...step('Point the api at PostgreSQL', `check that ${config.envFile} is writable.`, (ctx) => {
        updateEnvFile(config.envFile, { DATABASE_URL: appUrl, [previousDatabaseUrlKey]: config.databaseUrl });
        ctx.switched = true;
        return `DATABASE_URL=${appUrl} in ${config.envFile} (previous value kept for rollback)`;
      }),
      enabled: firstRun,
    },
    step('Restart the api and wait until it is healthy', 'read `docker logs` of the api container; it must reach the postgres service as POSTGRES_HOST.', async (ctx, task) => {
      if (ctx.alreadyMigrated) await stack.start(['api'], (line) => (task.output = line));
      else await stack.startApi(appUrl, (line) => (task.output = line));
      const { health, baseUrl } = await stack.waitForApi();
      ctx.health = health;
      if (ctx.apiStoppedAt !== undefined && ctx.apiWasRunning) ctx.apiDowntimeMs = deps.now() - ctx.apiStoppedAt;
      return `api healthy at ${baseUrl}${ctx.apiDowntimeMs === undefined ? '' : ` (unavailable for ${(ctx.apiDowntimeMs / 1000).toFixed(1)} s)`}`;
    }),
    step('Verify through the application', 'the api does not serve what was copied: compare `/health` with the summary, then `dbops rollback`.', async (ctx) => {
      const health = required(ctx.health);
      const expected = ctx.source?.sessions;
      if (health.backend !== 'postgresql' || (expected !== undefined && health.sessions !== expected)) {
        throw new DbopsError(
          `the api reports backend ${health.backend} with ${health.sessions} sessions; expected postgresql with ${expected ?? 'any number of'} sessions.`,
          { exitCode: ExitCode.verification },
        );
      }
      await recount(deps.connect, required(ctx.postgres), required(ctx.moved));
      return `api serves ${health.sessions} sessions from PostgreSQL; SELECT count(*) matches SQLite for all ${required(ctx.moved).tables.length} tables`;
    }),
  ];
}

/** SELECT count(*) of every copied table, compared with what was copied. */
async function recount(connect: ConnectPostgres, target: PostgresTarget, moved: MoveResult): Promise<void> {
  const connection = await connect(target);
  try {
    for (const table of moved.tables) {
      const name = `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.target)}`;
      const { rows } = await connection.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${name}`);
      const found = Number(rows[0]?.n ?? -1);
      if (found !== table.rows) {
        throw new DbopsError(`${name} holds ${found} rows in PostgreSQL but ${table.rows} in SQLite table ${table.table}.`, {
          exitCode: ExitCode.verification,
        });
      }
    }
  } finally {
    await connection.close();
  }
}

function totalRows(moved: MoveResult): number {
  return moved.tables.reduce((sum, table) => sum + table.rows, 0);
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('a previous step did not record its result');
  return value;
}
