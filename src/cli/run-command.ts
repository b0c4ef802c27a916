import path from 'node:path';
import type { ListrTask } from 'listr2';
import { RunRecord } from '../common/run-record.ts';
import type { Config } from '../config/config.ts';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import { RunFailedError } from '../errors/run-failed-error.ts';
import type { CliContext } from './cli-context.ts';
import { confirm } from './confirm.ts';
import { runTasks } from './run-tasks.ts';
import { acquireCommandLocks, type CommandName } from './stack-locks.ts';

/** What run-command needs of a run (MigrationRun, RollbackRun, RestoreRun, ...): its undo and its warnings. */
export interface Recoverable {
  /** Things worth saying that did not make the run fail; printed after a success. */
  readonly warnings: readonly string[];
  /** Undoes what the run changed so far; returns what state it left. May throw. */
  recover(): Promise<string>;
}

/** What the body of a command gets from run-command. */
export interface RunScope {
  readonly record: RunRecord;
  /** In production, asks (or takes --yes) before the body changes anything; elsewhere does nothing. */
  confirmProduction(question: string): Promise<void>;
  /**
   * From now on a failure (or Ctrl-C) calls `run.recover()`. `ifRecoveryFails` tells the user
   * where things may stand and what to check when recover() itself throws.
   */
  recoverWith(run: Recoverable, ifRecoveryFails: string): void;
  /** Runs a listr2 task list with the command's renderer, Ctrl-C handling and the record's log. */
  tasks<Ctx extends object>(list: ListrTask<Ctx>[], ctx: Ctx): Promise<Ctx>;
}

export interface StackCommand {
  readonly name: CommandName;
  readonly config: Config;
  /** --yes: production is confirmed without asking. */
  readonly yes: boolean;
  /** Does the work; returns what the JSON report should hold besides what run-command adds. */
  readonly body: (scope: RunScope) => Promise<object>;
}

/**
 * The one way a command that changes a stack runs: its locks (stack-locks.ts), production
 * confirmation, the run record in runs/ (a log of every step and a JSON report), recovery after a
 * failure or Ctrl-C (the running step finishes first), the warnings, and the exit code: a failure
 * after recoverWith() is thrown as a RunFailedError that carries the failure and the recovery as
 * separate fields; the edge (describe-error.ts) prints them.
 */
export async function runCommand(cli: CliContext, command: StackCommand): Promise<void> {
  const { name, config } = command;
  const locks = acquireCommandLocks(name, config, cli.projectDir());
  try {
    const record = new RunRecord(path.join(cli.projectDir(), 'runs'), `${name.replace(/\W+/g, '-')}-${config.environment}`, [config.postgres.password]);
    record.log(`${name} ${config.environment} (project ${config.composeProject}) started`);
    let recoverable: { run: Recoverable; ifRecoveryFails: string } | undefined;
    let step: string | undefined;
    const scope: RunScope = {
      record,
      confirmProduction: async (question) => {
        if (config.environment === 'production') await confirm(cli.confirmIo, question, command.yes);
      },
      recoverWith: (run, ifRecoveryFails) => {
        recoverable = { run, ifRecoveryFails };
      },
      tasks: (list, ctx) =>
        runTasks(list, ctx, {
          ...cli.tasks,
          journal: {
            started: (title) => {
              step = title;
              record.log(`start: ${title}`);
            },
            finished: (title) => record.log(`done: ${title}`),
            failed: (title, error) => record.log(`failed: ${title}: ${messageOf(error)}`),
          },
        }),
    };
    let details: object;
    try {
      details = await command.body(scope);
    } catch (error) {
      const recovery = recoverable ? await recoverAfter(recoverable) : undefined;
      const exitCode = error instanceof DbopsError ? error.exitCode : ExitCode.failure;
      if (recovery !== undefined) record.log(`recovery: ${recovery}`);
      record.finish('failed', {
        environment: config.environment,
        failed: { step: stepOf(error, step) ?? null, error: messageOf(error), exitCode },
        recovery: recovery ?? null,
      });
      throw recovery === undefined ? error : new RunFailedError(error, stepOf(error, step), recovery);
    }
    const warnings = recoverable?.run.warnings ?? [];
    record.finish('succeeded', { environment: config.environment, ...details, warnings });
    for (const warning of warnings) cli.out(`warning: ${warning}`);
    cli.out(`report: ${record.reportFile}`);
  } finally {
    locks.release();
  }
}

async function recoverAfter({ run, ifRecoveryFails }: { run: Recoverable; ifRecoveryFails: string }): Promise<string> {
  try {
    return await run.recover();
  } catch (error) {
    return `Putting things back ALSO FAILED (${messageOf(error)}). ${ifRecoveryFails}`;
  }
}

function stepOf(error: unknown, current: string | undefined): string | undefined {
  return error instanceof DbopsError && 'step' in error && typeof error.step === 'string' ? error.step : current;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
