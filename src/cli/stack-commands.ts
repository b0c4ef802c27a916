import { Option, type Command } from 'commander';
import { configKeyNames } from '../config/config-keys.ts';
import { redactUrl } from '../config/redact-url.ts';
import { composeEnvironment } from '../docker/compose-environment.ts';
import { stackDownTasks, stackUpTasks, type StackUpContext } from '../tasks/stack-tasks.ts';
import type { CliContext } from './cli-context.ts';
import { confirm } from './confirm.ts';
import { runTasks } from './run-tasks.ts';

export const envOption = () => new Option('-e, --env <environment>', 'development (dev) or production (prod)').default('development');

/** `up`, `down` and `config`: the stack itself. */
export function registerStackCommands(program: Command, cli: CliContext): void {
  program
    .command('up')
    .description('start the stack (postgres and api) and wait until both are ready')
    .addOption(envOption())
    .action(async (options: { env: string }) => {
      const stack = await cli.stack(cli.config(options.env));
      const ctx = await runTasks<StackUpContext>(stackUpTasks(stack), {}, cli.tasks);
      cli.out(`postgres: 127.0.0.1:${ctx.postgresPort ?? '?'} (database ${stack.config.postgres.database})`);
      if (ctx.api) cli.out(`api: ${ctx.api.baseUrl} (backend ${ctx.api.health.backend}, ${ctx.api.health.sessions} sessions)`);
    });

  program
    .command('down')
    .description('stop and remove the stack; --volumes also deletes its PostgreSQL data')
    .addOption(envOption())
    .option('--volumes', 'also remove the data volume and the built api image', false)
    .option('-y, --yes', 'confirm without asking (production)', false)
    .action(async (options: { env: string; volumes: boolean; yes: boolean }) => {
      const config = cli.config(options.env);
      if (options.volumes && config.environment === 'production') {
        await confirm(cli.confirmIo, `This deletes the production PostgreSQL volume of project ${config.composeProject}.`, options.yes);
      }
      await runTasks(stackDownTasks(await cli.stack(config), { volumes: options.volumes }), {}, cli.tasks);
    });

  program
    .command('config')
    .description('show the configuration of an environment and where each value came from (secrets hidden)')
    .addOption(envOption())
    .action((options: { env: string }) => {
      const config = cli.config(options.env);
      const shown: Record<string, string> = {
        ...composeEnvironment(config),
        DATABASE_URL: redactUrl(config.databaseUrl),
        POSTGRES_HOST: config.postgres.host,
        POSTGRES_PASSWORD: '(set, hidden)',
        SQLITE_PATH: config.sqlitePath,
        BACKUP_DIR: config.backupDir,
      };
      cli.out(`environment: ${config.environment} (${config.envFile})`);
      for (const key of configKeyNames) cli.out(`${key}=${shown[key] ?? ''}    # from ${config.sources[key]}`);
    });
}
