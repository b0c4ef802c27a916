import type { ListrTask } from 'listr2';
import type { ApiHealth } from '../api/api-health.ts';
import { previousDatabaseUrlKey } from '../config/config-keys.ts';
import { updateEnvFile } from '../config/env-file-edit.ts';
import type { ComposeStack } from '../docker/compose-stack.ts';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import type { DataMover } from '../migrate/data-mover.ts';
import { summariseSource, type SourceSummary } from '../migrate/source-summary.ts';

export interface RollbackContext {
  source?: SourceSummary;
  /** What the check of PostgreSQL found: equal to SQLite, different, or not checkable. */
  postgresCheck?: string;
  health?: ApiHealth;
}

/**
 * `dbops rollback`: DATABASE_URL back to the SQLite value migrate kept, the api restarted on it and
 * checked. PostgreSQL's data stays in place. Refuses when PostgreSQL holds writes that SQLite
 * lacks, unless forced, because the api would silently stop seeing them.
 */
export function rollbackTasks(stack: ComposeStack, mover: DataMover, previousUrl: string, force: boolean): ListrTask<RollbackContext>[] {
  const { config } = stack;
  return [
    {
      title: 'Check the SQLite file',
      task: (ctx, task) => {
        ctx.source = summariseSource(config.sqlitePath);
        task.title = `SQLite ${config.sqlitePath}: ${ctx.source.tables} tables, quick_check ok`;
      },
    },
    {
      title: 'Check PostgreSQL for writes made since the migration',
      task: async (ctx, task) => {
        const postgres = await stack.find('postgres');
        if (postgres?.state !== 'running') {
          ctx.postgresCheck = 'PostgreSQL is not running: writes made since the migration could not be checked';
          task.title = ctx.postgresCheck;
          return;
        }
        const port = await stack.publishedPort('postgres', '5432/tcp');
        const { user, password, database } = config.postgres;
        try {
          await mover.verify(config.sqlitePath, { host: '127.0.0.1', port, user, password, database });
          ctx.postgresCheck = 'PostgreSQL holds exactly what SQLite holds';
        } catch (error) {
          const difference = error instanceof Error ? error.message : String(error);
          if (!force) {
            throw new DbopsError(
              `PostgreSQL differs from SQLite (${difference}). Rolling back would leave those rows in PostgreSQL, unseen by the api. ` +
                'Back them up (`dbops backup`) and pass --force to roll back anyway.',
              { exitCode: ExitCode.refused, cause: error },
            );
          }
          ctx.postgresCheck = `PostgreSQL differs from SQLite; rolled back anyway (--force): ${difference}`;
        }
        task.title = ctx.postgresCheck;
      },
    },
    {
      title: 'Point the api at SQLite again',
      task: (_ctx, task) => {
        updateEnvFile(config.envFile, { DATABASE_URL: previousUrl, [previousDatabaseUrlKey]: undefined });
        task.title = `DATABASE_URL=${previousUrl} in ${config.envFile}`;
      },
    },
    {
      title: 'Restart the api and wait until it is healthy',
      task: async (ctx, task) => {
        await stack.startApi(previousUrl, (line) => (task.output = line));
        const { health, baseUrl } = await stack.waitForApi();
        ctx.health = health;
        task.title = `api healthy at ${baseUrl}`;
      },
    },
    {
      title: 'Verify the api serves SQLite',
      task: (ctx, task) => {
        const health = ctx.health;
        const expected = ctx.source?.sessions;
        if (health?.backend !== 'sqlite' || (expected !== undefined && health.sessions !== expected)) {
          throw new DbopsError(
            `After rollback the api reports backend ${health?.backend ?? 'unknown'} with ${health?.sessions ?? '?'} sessions; expected sqlite with ${expected ?? 'any number of'}. ` +
              `Check DATABASE_URL in ${config.envFile} and \`docker logs\` of the api.`,
            { exitCode: ExitCode.verification },
          );
        }
        task.title = `api serves ${health.sessions} sessions from SQLite`;
      },
    },
  ];
}
