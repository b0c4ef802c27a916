import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import Docker from 'dockerode';
import { confirm } from './cli/confirm.ts';
import { describeError } from './cli/describe-error.ts';
import { runTasks } from './cli/run-tasks.ts';
import type { Config } from './config/config.ts';
import { configKeyNames } from './config/config-keys.ts';
import { parseEnvironment } from './config/environment.ts';
import { loadConfig } from './config/load-config.ts';
import { redactUrl } from './config/redact-url.ts';
import { ComposeCli, detectCompose } from './docker/compose-cli.ts';
import { composeEnvironment } from './docker/compose-environment.ts';
import { ComposeStack } from './docker/compose-stack.ts';
import { DockerodeRuntime } from './docker/dockerode-runtime.ts';
import { ExitCode } from './errors/exit-codes.ts';
import { ExecaCommandRunner } from './process/execa-command-runner.ts';
import { generateSample } from './sample/generate-sample.ts';
import { stackDownTasks, stackUpTasks, type StackUpContext } from './tasks/stack-tasks.ts';

type ProcessEnv = Readonly<Record<string, string | undefined>>;

interface GlobalOptions {
  readonly debug: boolean;
  readonly projectDir: string;
}

/** The composition root: parses arguments, builds the real clients, runs one command, returns the exit code. */
export async function main(argv: readonly string[], env: ProcessEnv): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const program = new Command('dbops')
    .description('Move the application from SQLite to PostgreSQL in its Docker Compose stacks, and keep it safe.')
    .option('--debug', 'print stack traces with errors', false)
    .option('--project-dir <dir>', 'directory holding .env.<environment> and deployment/', process.cwd())
    .showHelpAfterError()
    .exitOverride();
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const envOption = () => new Option('-e, --env <environment>', 'development (dev) or production (prod)').default('development');
  const config = (environment: string): Config =>
    loadConfig({ environment: parseEnvironment(environment), rootDir: path.resolve(globals().projectDir), env });
  const stackFor = async (loaded: Config): Promise<ComposeStack> => {
    const runner = new ExecaCommandRunner();
    const runtime = new DockerodeRuntime(new Docker());
    await runtime.ping();
    const compose = new ComposeCli(runner, await detectCompose(runner), {
      file: loaded.composeFile,
      project: loaded.composeProject,
      env: composeEnvironment(loaded),
    });
    await compose.validate();
    return new ComposeStack({ config: loaded, runtime, compose, fetch, readiness: { timeoutMs: 120_000, maxDelayMs: 2000 } });
  };
  const renderer = { renderer: 'default' as const };

  program
    .command('sample')
    .description('generate a realistic application SQLite database (sessions and Korean messages)')
    .option('--out <path>', 'file to write', 'data/api_sessions.db')
    .option('--sessions <n>', 'number of sessions', toInteger, 1000)
    .option('--messages-per-session <n>', 'average messages per session (total is exact)', toInteger, 10)
    .option('--seed <n>', 'seed: the same seed gives the same database', toInteger, 42)
    .option('--force', 'replace the file if it exists', false)
    .action((options: { out: string; sessions: number; messagesPerSession: number; seed: number; force: boolean }) => {
      const summary = generateSample({
        out: path.resolve(globals().projectDir, options.out),
        sessions: options.sessions,
        messagesPerSession: options.messagesPerSession,
        seed: options.seed,
        overwrite: options.force,
      });
      out(
        `Wrote ${summary.path}: ${summary.sessions} sessions, ${summary.messages} messages, ` +
          `${(summary.bytes / 1024 / 1024).toFixed(1)} MiB in ${(summary.durationMs / 1000).toFixed(1)} s.`,
      );
    });

  program
    .command('up')
    .description('start the stack (postgres and api) and wait until both are ready')
    .addOption(envOption())
    .action(async (options: { env: string }) => {
      const stack = await stackFor(config(options.env));
      const ctx = await runTasks<StackUpContext>(stackUpTasks(stack), {}, renderer);
      out(`postgres: 127.0.0.1:${ctx.postgresPort ?? '?'} (database ${stack.config.postgres.database})`);
      if (ctx.api) out(`api: ${ctx.api.baseUrl} (backend ${ctx.api.health.backend}, ${ctx.api.health.sessions} sessions)`);
    });

  program
    .command('down')
    .description('stop and remove the stack; --volumes also deletes its PostgreSQL data')
    .addOption(envOption())
    .option('--volumes', 'also remove the data volume and the built api image', false)
    .option('-y, --yes', 'confirm without asking (production)', false)
    .action(async (options: { env: string; volumes: boolean; yes: boolean }) => {
      const loaded = config(options.env);
      if (options.volumes && loaded.environment === 'production') {
        await confirm(
          { input: process.stdin, output: process.stderr },
          `This deletes the production PostgreSQL volume of project ${loaded.composeProject}.`,
          options.yes,
        );
      }
      await runTasks(stackDownTasks(await stackFor(loaded), { volumes: options.volumes }), {}, renderer);
    });

  program
    .command('config')
    .description('show the configuration of an environment and where each value came from (secrets hidden)')
    .addOption(envOption())
    .action((options: { env: string }) => {
      const loaded = config(options.env);
      const shown: Record<string, string> = {
        ...composeEnvironment(loaded),
        DATABASE_URL: redactUrl(loaded.databaseUrl),
        POSTGRES_HOST: loaded.postgres.host,
        POSTGRES_PASSWORD: '(set, hidden)',
        SQLITE_PATH: loaded.sqlitePath,
        BACKUP_DIR: loaded.backupDir,
      };
      out(`environment: ${loaded.environment} (${loaded.envFile})`);
      for (const key of configKeyNames) out(`${key}=${shown[key] ?? ''}    # from ${loaded.sources[key]}`);
    });

  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const report = describeError(error, program.opts<GlobalOptions>().debug);
    process.stderr.write(`${report.message}\n`);
    return report.exitCode;
  }
}

function toInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
  return parsed;
}
