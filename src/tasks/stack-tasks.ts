import { existsSync } from 'node:fs';
import type { ListrTask } from 'listr2';
import type { ApiHealth } from '../stack/api-health.ts';
import type { StackControl } from '../stack/stack-control.ts';
import { seconds } from '../common/seconds.ts';
import { InputError } from '../errors/input-error.ts';

export interface StackUpContext {
  postgresPort?: number;
  api?: { health: ApiHealth; baseUrl: string };
}

/** `dbops up`: start PostgreSQL and the api, and wait until both answer. */
export function stackUpTasks(stack: StackControl): ListrTask<StackUpContext>[] {
  const { config } = stack;
  return [
    {
      title: 'Check the application database file',
      enabled: () => config.databaseUrl.startsWith('sqlite:'),
      task: (_ctx, task) => {
        if (!existsSync(config.sqlitePath)) {
          throw new InputError(
            `The api's SQLite file ${config.sqlitePath} (SQLITE_PATH in ${config.sources.SQLITE_PATH}) does not exist. ` +
              'Generate a sample with `make sample`, copy the application database there, or set SQLITE_PATH.',
          );
        }
        task.title = `Application database: ${config.sqlitePath}`;
      },
    },
    {
      title: 'Start postgres and api',
      task: async (_ctx, task) => {
        await stack.start(['postgres', 'api'], (line) => (task.output = line));
        task.title = `Started postgres and api (project ${config.composeProject})`;
      },
    },
    {
      title: 'Wait for pg_isready inside the postgres container',
      task: async (ctx, task) => {
        const { container, waitedMs } = await stack.waitForPostgres();
        ctx.postgresPort = (await stack.hostTarget()).port;
        task.title = `PostgreSQL ready in ${container.name} after ${seconds(waitedMs)} (127.0.0.1:${ctx.postgresPort})`;
      },
    },
    {
      title: 'Wait for the api to answer /health',
      task: async (ctx, task) => {
        const { health, baseUrl, waitedMs } = await stack.waitForApi();
        ctx.api = { health, baseUrl };
        task.title = `api healthy after ${seconds(waitedMs)}: ${baseUrl} serves ${health.sessions} sessions from ${health.backend}`;
      },
    },
  ];
}

/** `dbops down`: remove the stack's containers and network, and its volume only when asked. */
export function stackDownTasks(stack: StackControl, options: { volumes: boolean }): ListrTask<object>[] {
  return [
    {
      title: options.volumes ? 'Remove containers, network, volume and built images' : 'Remove containers and network (data volume kept)',
      task: async (_ctx, task) => {
        await stack.remove({ volumes: options.volumes, onLine: (line) => (task.output = line) });
      },
    },
  ];
}
