import { Option, type Command } from 'commander';
import type { StackUpContext } from '../tasks/stack-tasks.ts';
import type { CliContext } from './cli-context.ts';

export const envOption = () => new Option('-e, --env <environment>', 'development (dev) or production (prod)').default('development');

/** `up`, `down` and `config`: the stack itself. */
export function registerStackCommands(program: Command, cli: CliContext): void {
  program
    .command('up')
    .description('start the stack (postgres and api) and wait until both are ready')
    .addOption(envOption())
    .action(async (options: { env: string }) => {
      const stack = await cli.stack(await cli.config(options.env));
      const [{ stackUpTasks }, { runTasks }] = await Promise.all([import('../tasks/stack-tasks.ts'), import('./run-tasks.ts')]);
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
      const config = await cli.config(options.env);
      const [{ stackDownTasks }, { runTasks }] = await Promise.all([import('../tasks/stack-tasks.ts'), import('./run-tasks.ts')]);
      if (!options.volumes) {
        await runTasks(stackDownTasks(await cli.stack(config), { volumes: false }), {}, cli.tasks);
        return;
      }
      // Deleting the data is a change to the stack like any other: locked, confirmed, recorded.
      const { runCommand } = await import('./run-command.ts');
      await runCommand(cli, {
        name: 'down --volumes',
        config,
        yes: options.yes,
        body: async (scope) => {
          await scope.confirmProduction(`This deletes the production PostgreSQL volume of project ${config.composeProject}.`);
          await scope.tasks(stackDownTasks(await cli.stack(config), { volumes: true }), {});
          return { volumes: true };
        },
      });
    });

  program
    .command('config')
    .description('show the configuration of an environment and where each value came from (secrets hidden)')
    .addOption(envOption())
    .action(async (options: { env: string }) => {
      const config = await cli.config(options.env);
      const [{ configKeyNames }, { composeEnvironment }, { redactUrl }, { runReadOnly }] = await Promise.all([
        import('../config/config-keys.ts'),
        import('../stack/compose-environment.ts'),
        import('../config/redact-url.ts'),
        import('./run-read-only.ts'),
      ]);
      await runReadOnly('config', cli.tasks.interruption, async () => {
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
    });
}
