import type { ListrTask } from 'listr2';
import { rollbackSteps, type RollbackRun } from '../migrate/rollback-run.ts';

/** `dbops rollback`: one task per RollbackRun step; on failure the caller runs RollbackRun.recover(). */
export function rollbackTasks(run: RollbackRun): ListrTask<object>[] {
  const { config } = run.stack;
  return [
    {
      title: rollbackSteps.checkSource,
      task: async (_ctx, task) => {
        const source = await run.checkSource();
        task.title = `SQLite ${config.sqlitePath}: ${source.tables} tables, quick_check ok`;
      },
    },
    {
      title: rollbackSteps.checkPostgres,
      task: async (_ctx, task) => {
        task.title = await run.checkPostgres();
      },
    },
    {
      title: rollbackSteps.switchUrl,
      task: async (_ctx, task) => {
        const switched = await run.switchUrl();
        task.title = `DATABASE_URL=${switched.databaseUrl} in ${switched.envFile}`;
      },
    },
    {
      title: rollbackSteps.restartApi,
      task: async (_ctx, task) => {
        const { baseUrl } = await run.restartApi((line) => (task.output = line));
        task.title = `api healthy at ${baseUrl}`;
      },
    },
    {
      title: rollbackSteps.verifyApi,
      task: async (_ctx, task) => {
        const { sessions } = await run.verifyApi();
        task.title = `api serves ${sessions} sessions from SQLite`;
      },
    },
  ];
}
