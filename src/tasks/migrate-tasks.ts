import type { ListrTask } from 'listr2';
import type { MoveResult } from '../migrate/data-mover.ts';
import { migrationSteps, type MigrationRun } from '../migrate/migration-run.ts';
import { seconds } from '../common/seconds.ts';

/** `dbops migrate`: one task per MigrationRun step; on failure the caller runs MigrationRun.recover(). */
export function migrateTasks(run: MigrationRun): ListrTask<object>[] {
  const { config } = run.stack;
  const firstRun = () => !run.alreadyMigrated;
  return [
    {
      title: migrationSteps.checkSource.title,
      task: async (_ctx, task) => {
        const source = await run.checkSource();
        task.title =
          `SQLite ${config.sqlitePath}: ${source.tables} tables` + `${source.sessions === undefined ? '' : `, ${source.sessions} sessions`}, quick_check ok`;
      },
    },
    {
      title: migrationSteps.startPostgres.title,
      task: async (_ctx, task) => {
        await run.startPostgres((line) => (task.output = line));
        task.title = `Started postgres (project ${config.composeProject})`;
      },
    },
    {
      title: migrationSteps.waitForPostgres.title,
      task: async (_ctx, task) => {
        const ready = await run.waitForPostgres();
        task.title = `PostgreSQL ready in ${ready.containerName} after ${seconds(ready.waitedMs)}`;
      },
    },
    {
      title: migrationSteps.initialise.title,
      task: async (_ctx, task) => {
        const target = await run.initialise();
        task.title =
          `Connected as ${config.postgres.user} to ${config.postgres.database} (PostgreSQL ${target.serverVersion}, ` +
          `${target.tables} tables already there)`;
      },
    },
    {
      title: migrationSteps.stopApi.title,
      enabled: firstRun,
      task: async (_ctx, task) => {
        const { wasRunning, writers } = await run.stopApi((line) => (task.output = line));
        task.title = `${wasRunning ? 'Stopped the api' : 'The api was not running'}; other SQLite ${writers}`;
      },
    },
    {
      title: migrationSteps.safetyBackup.title,
      enabled: () => run.needsSafetyBackup,
      task: async (_ctx, task) => {
        task.title = `Safety backup: ${await run.safetyBackup()}`;
      },
    },
    {
      title: migrationSteps.copy.title,
      enabled: firstRun,
      task: async (_ctx, task) => {
        const moved = await run.copy((progress) => {
          task.output = `${progress.table}: ${progress.rowsDone}/${progress.rowsTotal} rows, ${Math.round(progress.rowsPerSecond)} rows/s`;
        });
        task.title = `Copied and verified ${moved.tables.length} tables, ${totalRows(moved)} rows`;
      },
    },
    {
      title: migrationSteps.verifyExisting.title,
      enabled: () => run.alreadyMigrated,
      task: async (_ctx, task) => {
        const moved = await run.verifyExisting();
        task.title = `Already migrated: ${moved.tables.length} tables, ${totalRows(moved)} rows, all equal to SQLite`;
      },
    },
    {
      title: migrationSteps.switchUrl.title,
      enabled: firstRun,
      task: async (_ctx, task) => {
        const switched = await run.switchUrl();
        task.title = `DATABASE_URL=${switched.databaseUrl} in ${switched.envFile} (previous value kept for rollback)`;
      },
    },
    {
      title: migrationSteps.restartApi.title,
      task: async (_ctx, task) => {
        const { baseUrl, downtimeMs } = await run.restartApi((line) => (task.output = line));
        task.title = `api healthy at ${baseUrl}${downtimeMs === undefined ? '' : ` (unavailable for ${seconds(downtimeMs)})`}`;
      },
    },
    {
      title: migrationSteps.verifyApi.title,
      task: async (_ctx, task) => {
        const { sessions, tables } = await run.verifyApi();
        task.title = `api serves ${sessions} sessions from PostgreSQL; SELECT count(*) matches SQLite for all ${tables} tables`;
      },
    },
  ];
}

export function totalRows(moved: Pick<MoveResult, 'tables'>): number {
  return moved.tables.reduce((sum, table) => sum + table.rows, 0);
}
