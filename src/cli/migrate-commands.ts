import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { acquireStackLock } from '../common/run-lock.ts';
import { RunRecord } from '../common/run-record.ts';
import type { Config } from '../config/config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import { isPostgresUrl } from '../migrate/app-database-url.ts';
import type { MigrateContext } from '../tasks/migrate-tasks.ts';
import type { RollbackContext } from '../tasks/rollback-tasks.ts';
import type { CliContext } from './cli-context.ts';
import { confirm } from './confirm.ts';
import { envOption } from './stack-commands.ts';

interface MigrateOptions {
  readonly env: string;
  readonly yes: boolean;
  readonly readyTimeout: number;
}

/** `migrate` and `rollback`: the cut-over from SQLite to PostgreSQL and back. */
export function registerMigrateCommands(program: Command, cli: CliContext): void {
  program
    .command('migrate')
    .description('move the api from SQLite to PostgreSQL: copy, verify, switch DATABASE_URL, restart and check the api')
    .addOption(envOption())
    .option('-y, --yes', 'confirm without asking (production)', false)
    .option('--ready-timeout <seconds>', 'how long to wait for PostgreSQL and the api', toSeconds, 120)
    .action(async (options: MigrateOptions) => {
      const config = await cli.config(options.env);
      await confirmProduction(cli, config, `This migrates the production api of ${config.composeProject} from SQLite to PostgreSQL.`, options.yes);
      requireSwitchableUrl(config);
      await withRun(cli, config, 'migrate', async (record) => {
        const stack = await cli.stack(config, { readyTimeoutMs: options.readyTimeout * 1000 });
        const [{ migrateTasks }, { returnToSqlite }, { runTasks }] = await Promise.all([
          import('../tasks/migrate-tasks.ts'),
          import('../migrate/return-to-sqlite.ts'),
          import('./run-tasks.ts'),
        ]);
        const ctx: MigrateContext = { alreadyMigrated: isPostgresUrl(config.databaseUrl), apiWasRunning: false, switched: false };
        const started = Date.now();
        try {
          await runTasks(
            migrateTasks({ stack, mover: cli.mover, connect: cli.connectPostgres, safetyBackup: () => cli.safetyBackup(stack), record, now: Date.now }),
            ctx,
            cli.tasks,
          );
        } catch (error) {
          const outcome = ctx.alreadyMigrated ? 'Nothing was changed.' : await returnToSqlite(stack, config, ctx);
          record.log(`recovery: ${outcome}`);
          record.finish('failed', { environment: config.environment, error: error instanceof Error ? error.message : String(error), outcome });
          throw new DbopsError(`${error instanceof Error ? error.message : String(error)}\n${outcome}`, {
            exitCode: error instanceof DbopsError ? error.exitCode : ExitCode.failure,
            cause: error,
          });
        }
        const rows = ctx.moved?.tables.reduce((sum, table) => sum + table.rows, 0) ?? 0;
        record.finish('succeeded', {
          environment: config.environment,
          alreadyMigrated: ctx.alreadyMigrated,
          durationMs: Date.now() - started,
          apiDowntimeMs: ctx.apiDowntimeMs ?? null,
          safetyBackup: ctx.safetyBackup ?? null,
          tables: ctx.moved?.tables ?? [],
          warnings: ctx.moved?.warnings ?? [],
          transfer: ctx.moved?.report ?? null,
          api: ctx.health ?? null,
        });
        cli.out(
          ctx.alreadyMigrated
            ? `Already migrated: ${ctx.moved?.tables.length ?? 0} tables, ${rows} rows equal to SQLite; nothing changed.`
            : `Migrated ${config.environment}: ${ctx.moved?.tables.length ?? 0} tables, ${rows} rows copied and verified in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        );
        for (const warning of ctx.moved?.warnings ?? []) cli.out(`warning: ${warning}`);
        if (ctx.health) cli.out(`api: backend ${ctx.health.backend}, ${ctx.health.sessions} sessions${ctx.apiDowntimeMs === undefined ? '' : `; unavailable for ${(ctx.apiDowntimeMs / 1000).toFixed(1)} s`}`);
        cli.out(`report: ${record.reportFile}`);
      });
    });

  program
    .command('rollback')
    .description('point the api back at SQLite (PostgreSQL data stays in place)')
    .addOption(envOption())
    .option('-y, --yes', 'confirm without asking (production)', false)
    .option('--force', 'roll back even when PostgreSQL holds rows that SQLite does not', false)
    .option('--ready-timeout <seconds>', 'how long to wait for the api', toSeconds, 120)
    .action(async (options: MigrateOptions & { force: boolean }) => {
      const config = await cli.config(options.env);
      const previous = config.previousDatabaseUrl;
      if (!isPostgresUrl(config.databaseUrl) || previous === undefined || isPostgresUrl(previous)) {
        throw new DbopsError(
          `Nothing to roll back to: DATABASE_URL in ${config.sources.DATABASE_URL} is ${isPostgresUrl(config.databaseUrl) ? 'PostgreSQL but no SQLite URL was kept by dbops migrate' : 'already the SQLite one'}. ` +
            'Rollback only undoes a migration made by dbops migrate.',
          { exitCode: ExitCode.refused },
        );
      }
      await confirmProduction(cli, config, `This points the production api of ${config.composeProject} back at SQLite.`, options.yes);
      requireSwitchableUrl(config);
      await withRun(cli, config, 'rollback', async (record) => {
        const stack = await cli.stack(config, { readyTimeoutMs: options.readyTimeout * 1000 });
        const [{ rollbackTasks }, { runTasks }] = await Promise.all([import('../tasks/rollback-tasks.ts'), import('./run-tasks.ts')]);
        try {
          const ctx = await runTasks<RollbackContext>(rollbackTasks(stack, cli.mover, previous, options.force), {}, cli.tasks);
          record.finish('succeeded', { environment: config.environment, postgres: ctx.postgresCheck ?? null, api: ctx.health ?? null });
          cli.out(`Rolled back ${config.environment}: the api serves ${ctx.health?.sessions ?? '?'} sessions from SQLite. ${ctx.postgresCheck ?? ''}`.trim());
        } catch (error) {
          record.finish('failed', { environment: config.environment, error: error instanceof Error ? error.message : String(error) });
          throw error;
        }
      });
    });
}

async function confirmProduction(cli: CliContext, config: Config, question: string, yes: boolean): Promise<void> {
  if (config.environment === 'production') await confirm(cli.confirmIo, question, yes);
}

/** The switch edits the env file, so an override elsewhere would silently win over it. */
function requireSwitchableUrl(config: Config): void {
  const envFileName = path.basename(config.envFile);
  if (config.sources.DATABASE_URL !== envFileName) {
    throw new ConfigError(
      'DATABASE_URL',
      config.sources.DATABASE_URL,
      `is set there, which overrides ${envFileName}`,
      `dbops switches DATABASE_URL by editing ${envFileName}; remove the override so the switch takes effect.`,
    );
  }
}

/** Holds the stack's lock and a run record around one run. */
async function withRun(cli: CliContext, config: Config, name: string, run: (record: RunRecord) => Promise<void>): Promise<void> {
  const lock = acquireStackLock(cli.projectDir(), config.composeProject, name);
  try {
    const record = new RunRecord(path.join(cli.projectDir(), 'runs'), `${name}-${config.environment}`, [config.postgres.password]);
    record.log(`${name} ${config.environment} (project ${config.composeProject}) started`);
    await run(record);
  } finally {
    lock.release();
  }
}

function toSeconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`"${value}" is not a positive number of seconds.`);
  return parsed;
}
