import path from 'node:path';
import { Command, CommanderError } from 'commander';
import type { CliContext } from './cli/cli-context.ts';
import { registerBackupCommands } from './cli/backup-commands.ts';
import { addExamples } from './cli/command-examples.ts';
import { describeError } from './cli/describe-error.ts';
import { Interruption } from './cli/interruption.ts';
import { registerSampleCommand } from './cli/sample-command.ts';
import { registerMigrateCommands } from './cli/migrate-commands.ts';
import { registerStackCommands } from './cli/stack-commands.ts';
import { registerTransferCommands } from './cli/transfer-commands.ts';
import { formatCommandLine } from './common/command-line.ts';
import { dbopsVersion } from './common/package-version.ts';
import { ExitCode } from './errors/exit-codes.ts';
import type { DataMover } from './migrate/data-mover.ts';
import type { ConnectPostgres } from './postgres/postgres-connection.ts';
import type { OnCommand } from './process/command-runner.ts';

// The real clients are imported when a command first uses them, so that `--help` and the commands
// that need none of them start without loading dockerode, execa, zod and pg (README, Status).
const connectPg: ConnectPostgres = async (target) => (await import('./postgres/pg-connection.ts')).connectPg(target);
const mover: DataMover = {
  copy: async (...args) => (await transferEngine()).copy(...args),
  verify: async (...args) => (await transferEngine()).verify(...args),
};
async function transferEngine(): Promise<DataMover> {
  return (await import('./migrate/transfer-engine-mover.ts')).transferEngineMover({ connect: connectPg });
}

interface GlobalOptions {
  readonly debug: boolean;
  readonly projectDir: string;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

/** The composition root: parses arguments, builds the real clients, runs one command, returns the exit code. */
export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const program = new Command('dbops')
    .description('Move the application from SQLite to PostgreSQL in its Docker Compose stacks, and keep it safe.')
    .option('--debug', 'print stack traces with errors', false)
    .option(
      '--project-dir <dir>',
      'directory holding .env.<environment> and deployment/ (default: DBOPS_PROJECT_DIR, else the current directory)',
      env.DBOPS_PROJECT_DIR ?? process.cwd(),
    )
    .option('-q, --quiet', 'no progress: only results (stdout), warnings and errors (stderr)', false)
    .option('--verbose', 'also echo every external command run (compose, docker exec pg_dump/psql/...), secrets masked', false)
    .version(dbopsVersion(), '-V, --version', 'print the version of dbops')
    .showHelpAfterError()
    .exitOverride();
  const options = () => program.opts<GlobalOptions>();
  const projectDir = () => path.resolve(options().projectDir);
  // Progress and messages go to stderr, results to stdout: `dbops backups | grep` sees results only.
  const onCommand: OnCommand = (argv) => {
    if (options().verbose) process.stderr.write(`$ ${formatCommandLine(argv)}\n`);
  };
  const interruption = new Interruption(
    (line) => process.stderr.write(`${line}\n`),
    (code) => process.exit(code),
  );

  const cli: CliContext = {
    env,
    projectDir,
    config: async (environment) => {
      const [{ loadConfig }, { parseEnvironment }] = await Promise.all([import('./config/load-config.ts'), import('./config/environment.ts')]);
      return loadConfig({ environment: parseEnvironment(environment), rootDir: projectDir(), env });
    },
    stack: async (config, options = {}) => {
      const [{ default: Docker }, { DockerodeRuntime }, { ComposeCli, detectCompose }, { composeEnvironment }, { ComposeStack }, { ExecaCommandRunner }] =
        await Promise.all([
          import('dockerode'),
          import('./docker/dockerode-runtime.ts'),
          import('./docker/compose-cli.ts'),
          import('./stack/compose-environment.ts'),
          import('./stack/compose-stack.ts'),
          import('./process/execa-command-runner.ts'),
        ]);
      const runner = new ExecaCommandRunner(onCommand);
      const runtime = new DockerodeRuntime(new Docker(), onCommand);
      await runtime.ping();
      const compose = new ComposeCli(runner, await detectCompose(runner), {
        file: config.composeFile,
        project: config.composeProject,
        env: composeEnvironment(config),
      });
      await compose.validate();
      return new ComposeStack({ config, runtime, compose, fetch, readiness: { timeoutMs: options.readyTimeoutMs ?? 120_000, maxDelayMs: 2000 } });
    },
    connectPostgres: connectPg,
    mover,
    safetyBackup: async (stack) => {
      const { takeSafetyBackup } = await import('./backup/safety-backup.ts');
      return (await takeSafetyBackup(stack, 'pre-migrate', () => undefined)).archive;
    },
    get tasks() {
      const { quiet, verbose } = options();
      return { renderer: quiet ? 'silent' : verbose ? 'simple' : 'default', output: process.stderr, interruption } as const;
    },
    confirmIo: { input: process.stdin, output: process.stderr },
    out: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`${line}\n`),
  };
  registerSampleCommand(program, cli);
  registerStackCommands(program, cli);
  registerTransferCommands(program, cli);
  registerMigrateCommands(program, cli);
  registerBackupCommands(program, cli);
  addExamples(program);

  const uninstall = interruption.install(process);
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    const report = describeError(error, options().debug);
    process.stderr.write(`${report.message}\n`);
    return report.exitCode;
  } finally {
    uninstall();
  }
}
