import path from 'node:path';
import { Command, CommanderError } from 'commander';
import Docker from 'dockerode';
import type { CliContext } from './cli/cli-context.ts';
import { takeSafetyBackup } from './backup/safety-backup.ts';
import { registerBackupCommands } from './cli/backup-commands.ts';
import { describeError } from './cli/describe-error.ts';
import { Interruption } from './cli/interruption.ts';
import { registerSampleCommand } from './cli/sample-command.ts';
import { registerMigrateCommands } from './cli/migrate-commands.ts';
import { registerStackCommands } from './cli/stack-commands.ts';
import { registerTransferCommands } from './cli/transfer-commands.ts';
import { parseEnvironment } from './config/environment.ts';
import { loadConfig } from './config/load-config.ts';
import { ComposeCli, detectCompose } from './docker/compose-cli.ts';
import { composeEnvironment } from './docker/compose-environment.ts';
import { ComposeStack } from './docker/compose-stack.ts';
import { DockerodeRuntime } from './docker/dockerode-runtime.ts';
import { ExitCode } from './errors/exit-codes.ts';
import { transferEngineMover } from './migrate/transfer-engine-mover.ts';
import { connectPg } from './postgres/pg-connection.ts';
import { ExecaCommandRunner } from './process/execa-command-runner.ts';

interface GlobalOptions {
  readonly debug: boolean;
  readonly projectDir: string;
}

/** The composition root: parses arguments, builds the real clients, runs one command, returns the exit code. */
export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const program = new Command('dbops')
    .description('Move the application from SQLite to PostgreSQL in its Docker Compose stacks, and keep it safe.')
    .option('--debug', 'print stack traces with errors', false)
    .option('--project-dir <dir>', 'directory holding .env.<environment> and deployment/', process.cwd())
    .showHelpAfterError()
    .exitOverride();
  const projectDir = () => path.resolve(program.opts<GlobalOptions>().projectDir);
  const runner = new ExecaCommandRunner();
  const interruption = new Interruption((line) => process.stderr.write(`${line}\n`), (code) => process.exit(code));

  const cli: CliContext = {
    env,
    projectDir,
    config: (environment) => loadConfig({ environment: parseEnvironment(environment), rootDir: projectDir(), env }),
    stack: async (config, options = {}) => {
      const runtime = new DockerodeRuntime(new Docker());
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
    mover: transferEngineMover({ connect: connectPg }),
    safetyBackup: async (stack) => (await takeSafetyBackup(stack, 'pre-migrate', () => undefined)).archive,
    tasks: { renderer: 'default', interruption },
    confirmIo: { input: process.stdin, output: process.stderr },
    out: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`${line}\n`),
  };
  registerSampleCommand(program, cli);
  registerStackCommands(program, cli);
  registerTransferCommands(program, cli);
  registerMigrateCommands(program, cli);
  registerBackupCommands(program, cli);

  const uninstall = interruption.install(process);
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    const report = describeError(error, program.opts<GlobalOptions>().debug);
    process.stderr.write(`${report.message}\n`);
    return report.exitCode;
  } finally {
    uninstall();
  }
}
