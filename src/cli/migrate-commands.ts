import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config/config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import { isPostgresUrl } from '../migrate/app-database-url.ts';
import type { CliContext } from './cli-context.ts';
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
      const { runCommand } = await import('./run-command.ts');
      await runCommand(cli, {
        name: 'migrate',
        config,
        yes: options.yes,
        body: async (scope) => {
          await scope.confirmProduction(`This migrates the production api of ${config.composeProject} from SQLite to PostgreSQL.`);
          requireSwitchableUrl(config);
          const stack = await cli.stack(config, { readyTimeoutMs: options.readyTimeout * 1000 });
          const [{ MigrationRun }, { migrateTasks, totalRows }] = await Promise.all([
            import('../migrate/migration-run.ts'),
            import('../tasks/migrate-tasks.ts'),
          ]);
          const run = new MigrationRun({ stack, mover: cli.mover, connect: cli.connectPostgres, safetyBackup: () => cli.safetyBackup(stack) });
          scope.recoverWith(run, `SQLite was not modified. Check DATABASE_URL in ${config.envFile}.local and run \`dbops up --env ${config.environment}\`.`);
          await scope.tasks(migrateTasks(run), {});
          const outcome = run.outcome();
          const rows = totalRows(outcome);
          cli.out(
            outcome.alreadyMigrated
              ? `Already migrated: ${outcome.tables.length} tables, ${rows} rows equal to SQLite; nothing changed.`
              : `Migrated ${config.environment}: ${outcome.tables.length} tables, ${rows} rows copied and verified in ` +
                  `${(outcome.durationMs / 1000).toFixed(1)} s.`,
          );
          if (outcome.sourceWriters) cli.out(`sqlite: other ${outcome.sourceWriters}`);
          if (outcome.api) {
            const downtime = outcome.apiDowntimeMs === null ? '' : `; unavailable for ${(outcome.apiDowntimeMs / 1000).toFixed(1)} s`;
            cli.out(`api: backend ${outcome.api.backend}, ${outcome.api.sessions} sessions${downtime}`);
          }
          return outcome;
        },
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
          `Nothing to roll back to: DATABASE_URL in ${config.sources.DATABASE_URL} is ` +
            `${isPostgresUrl(config.databaseUrl) ? 'PostgreSQL but no SQLite URL was kept by dbops migrate' : 'already the SQLite one'}. ` +
            'Rollback only undoes a migration made by dbops migrate.',
          { exitCode: ExitCode.refused },
        );
      }
      const { runCommand } = await import('./run-command.ts');
      await runCommand(cli, {
        name: 'rollback',
        config,
        yes: options.yes,
        body: async (scope) => {
          await scope.confirmProduction(`This points the production api of ${config.composeProject} back at SQLite.`);
          requireSwitchableUrl(config);
          const stack = await cli.stack(config, { readyTimeoutMs: options.readyTimeout * 1000 });
          const [{ RollbackRun }, { rollbackTasks }] = await Promise.all([import('../migrate/rollback-run.ts'), import('../tasks/rollback-tasks.ts')]);
          const run = new RollbackRun({ stack, mover: cli.mover }, { previousUrl: previous, force: options.force });
          scope.recoverWith(run, `Check DATABASE_URL in ${config.envFile}.local and run \`dbops up --env ${config.environment}\`.`);
          await scope.tasks(rollbackTasks(run), {});
          const outcome = run.outcome();
          cli.out(`Rolled back ${config.environment}: the api serves ${outcome.api?.sessions ?? '?'} sessions from SQLite. ${outcome.postgres ?? ''}`.trim());
          return outcome;
        },
      });
    });
}

/** The switch is written to the .local env file, so only the process environment could silently win over it. */
function requireSwitchableUrl(config: Config): void {
  const envFileName = path.basename(config.envFile);
  if (config.sources.DATABASE_URL === 'the environment') {
    throw new ConfigError(
      'DATABASE_URL',
      config.sources.DATABASE_URL,
      `is set there, which overrides ${envFileName} and ${envFileName}.local`,
      `dbops switches DATABASE_URL by writing ${envFileName}.local; unset it in the environment so the switch takes effect.`,
    );
  }
}

function toSeconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`"${value}" is not a positive number of seconds.`);
  return parsed;
}
