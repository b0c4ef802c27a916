import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/cli-context.ts';
import { Interruption } from '../../../src/cli/interruption.ts';
import { runCommand, type Recoverable, type StackCommand } from '../../../src/cli/run-command.ts';
import { runReadOnly } from '../../../src/cli/run-read-only.ts';
import { acquireCommandLocks } from '../../../src/cli/stack-locks.ts';
import type { Config } from '../../../src/config/config.ts';
import { DbopsError } from '../../../src/errors/dbops-error.ts';
import { ExitCode } from '../../../src/errors/exit-codes.ts';
import { InputError } from '../../../src/errors/input-error.ts';
import { RunFailedError } from '../../../src/errors/run-failed-error.ts';
import { fakeConfig } from '../../support/fake-stack.ts';
import { tempDir } from '../../support/temp-dir.ts';

class FakeRun implements Recoverable {
  readonly warnings = ['ANALYZE failed; run it by hand.'];
  recovered = 0;
  recoveryFailure: Error | undefined;
  async recover(): Promise<string> {
    this.recovered += 1;
    if (this.recoveryFailure) throw this.recoveryFailure;
    return 'The previous database is back.';
  }
}

describe('runCommand', () => {
  let dir: { path: string; remove: () => void };
  let config: Config;
  let out: string[];
  let signals: EventEmitter;
  let cli: CliContext;
  let run: FakeRun;

  beforeEach(() => {
    dir = tempDir('dbops-run-command-');
    config = fakeConfig(dir.path);
    out = [];
    signals = new EventEmitter();
    const interruption = new Interruption(
      () => {},
      () => {},
    );
    interruption.install(signals as never);
    cli = {
      projectDir: () => dir.path,
      tasks: { renderer: 'silent', interruption },
      confirmIo: { input: Readable.from([]), output: process.stderr },
      out: (line: string) => out.push(line),
    } as unknown as CliContext;
    run = new FakeRun();
  });
  afterEach(() => dir.remove());

  const lockFile = () => path.join(dir.path, 'runs', 'fake.lock');
  const report = () => {
    const file = readdirSync(path.join(dir.path, 'runs')).find((name) => name.endsWith('.json'));
    return JSON.parse(readFileSync(path.join(dir.path, 'runs', file!), 'utf8')) as Record<string, unknown>;
  };
  const log = () => {
    const file = readdirSync(path.join(dir.path, 'runs')).find((name) => name.endsWith('.log'));
    return readFileSync(path.join(dir.path, 'runs', file!), 'utf8');
  };
  const command = (body: StackCommand['body'], overrides: Partial<StackCommand> = {}): StackCommand => ({
    name: 'restore',
    config,
    yes: false,
    body,
    ...overrides,
  });
  const steps = (failAt?: string) => [
    { title: 'Stop the api', task: () => {} },
    {
      title: 'Swap',
      task: () => {
        if (failAt === 'Swap') throw new InputError(`${config.postgres.password} is not a usable archive`);
      },
    },
    { title: 'Start the api', task: () => {} },
  ];

  it('holds the stack lock while the body runs, records the run, prints its warnings and the report, and releases the lock', async () => {
    let lockedDuringRun = false;
    await runCommand(
      cli,
      command(async (scope) => {
        lockedDuringRun = existsSync(lockFile());
        scope.recoverWith(run, 'Inspect the databases.');
        await scope.tasks(steps(), {});
        return { restored: 'lawfirm' };
      }),
    );
    expect(lockedDuringRun).toBe(true);
    expect(existsSync(lockFile())).toBe(false);
    expect(report()).toMatchObject({
      run: 'restore-development',
      outcome: 'succeeded',
      environment: 'development',
      restored: 'lawfirm',
      warnings: run.warnings,
    });
    expect(log()).toMatch(/start: Stop the api\n.*done: Stop the api\n.*start: Swap/);
    expect(out).toEqual(['warning: ANALYZE failed; run it by hand.', expect.stringMatching(/^report: .*runs\/.*-restore-development\.json$/)]);
    expect(run.recovered).toBe(0);
  });

  it('after a failed step: recover() runs, the lock is released, and failure and recovery stay separate fields', async () => {
    const error = (await runCommand(
      cli,
      command(async (scope) => {
        scope.recoverWith(run, 'Inspect the databases.');
        await scope.tasks(steps('Swap'), {});
        return {};
      }),
    ).catch((caught: unknown) => caught)) as RunFailedError;
    expect(error).toBeInstanceOf(RunFailedError);
    expect(error.exitCode).toBe(ExitCode.input);
    expect(error.step).toBe('Swap');
    expect(error.recovery).toBe('The previous database is back.');
    expect(error.message).not.toContain('The previous database is back.');
    expect(run.recovered).toBe(1);
    expect(existsSync(lockFile())).toBe(false);
    expect(report()).toMatchObject({
      outcome: 'failed',
      failed: { step: 'Swap', error: '*** is not a usable archive', exitCode: ExitCode.input },
      recovery: 'The previous database is back.',
    });
    expect(JSON.stringify(report())).not.toContain(config.postgres.password);
    expect(log()).toMatch(/failed: Swap: \*\*\* is not a usable archive\n.*recovery: The previous database is back\./);
    expect(out).toEqual([]);
  });

  it('says so, and where to look, when recover() fails too', async () => {
    run.recoveryFailure = new Error('rename failed');
    const error = (await runCommand(
      cli,
      command(async (scope) => {
        scope.recoverWith(run, 'Inspect the databases.');
        await scope.tasks(steps('Swap'), {});
        return {};
      }),
    ).catch((caught: unknown) => caught)) as RunFailedError;
    expect(error.recovery).toBe('Putting things back ALSO FAILED (rename failed). Inspect the databases.');
    expect(existsSync(lockFile())).toBe(false);
  });

  it('on Ctrl-C the running step finishes, no other starts, recover() runs, and the exit code is 130', async () => {
    const ran: string[] = [];
    const error = (await runCommand(
      cli,
      command(async (scope) => {
        scope.recoverWith(run, 'Inspect the databases.');
        await scope.tasks(
          [
            {
              title: 'Copy',
              task: async () => {
                signals.emit('SIGINT', 'SIGINT');
                await new Promise((resolve) => setTimeout(resolve, 5));
                ran.push('Copy');
              },
            },
            { title: 'Switch', task: () => void ran.push('Switch') },
          ],
          {},
        );
        return {};
      }),
    ).catch((caught: unknown) => caught)) as RunFailedError;
    expect(ran).toEqual(['Copy']);
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toBe('Interrupted by SIGINT before the step "Switch".');
    expect(error.step).toBe('Copy');
    expect(run.recovered).toBe(1);
    expect(report()).toMatchObject({ outcome: 'failed', failed: { exitCode: ExitCode.interrupted } });
  });

  it('a failure before anything could change rethrows it as it is, with no recovery', async () => {
    const refusal = new DbopsError('The Docker engine did not answer.', { exitCode: ExitCode.docker });
    const error = await runCommand(
      cli,
      command(async () => {
        throw refusal;
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBe(refusal);
    expect(report()).toMatchObject({
      outcome: 'failed',
      failed: { step: null, error: 'The Docker engine did not answer.', exitCode: ExitCode.docker },
      recovery: null,
    });
    expect(existsSync(lockFile())).toBe(false);
  });

  it('refuses while another run holds a lock this command shares, without running the body', async () => {
    const other = acquireCommandLocks('migrate', config, dir.path);
    let ran = false;
    const error = (await runCommand(
      cli,
      command(
        async () => {
          ran = true;
          return {};
        },
        { name: 'backup' },
      ),
    ).catch((caught: unknown) => caught)) as DbopsError;
    other.release();
    expect(error.exitCode).toBe(ExitCode.locked);
    expect(ran).toBe(false);
  });

  it.each([
    ['development', false, 'asks nothing', undefined],
    ['production', true, 'takes --yes', undefined],
    ['production', false, 'refuses without a terminal', ExitCode.refused],
  ] as const)('production confirmation: %s with yes=%s %s', async (environment, yes, _what, exitCode) => {
    config = fakeConfig(dir.path, { environment });
    let changed = false;
    const result = await runCommand(
      cli,
      command(
        async (scope) => {
          await scope.confirmProduction('This replaces the production database.');
          changed = true;
          return {};
        },
        { yes },
      ),
    ).catch((caught: unknown) => caught);
    expect(changed).toBe(exitCode === undefined);
    if (exitCode !== undefined) expect((result as DbopsError).exitCode).toBe(exitCode);
  });
});

describe('runReadOnly', () => {
  it('runs read-only commands and refuses a command the lock rule says changes a stack', async () => {
    let ran = false;
    await runReadOnly('backups', undefined, async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    await expect(runReadOnly('restore', undefined, async () => {})).rejects.toThrow(/restore changes a stack: run it through runCommand/);
  });

  it('exits at once on the first Ctrl-C while a read-only command runs, and only while it runs', async () => {
    const signals = new EventEmitter();
    const warnings: string[] = [];
    const exits: number[] = [];
    const interruption = new Interruption(
      (line) => warnings.push(line),
      (code) => exits.push(code),
    );
    interruption.install(signals as never);
    await runReadOnly('config', interruption, async () => {
      signals.emit('SIGINT', 'SIGINT');
    });
    expect(exits).toEqual([ExitCode.interrupted]);
    expect(warnings).toEqual(['dbops: SIGINT received: exiting; this command changes nothing, so there is nothing to undo.']);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([ExitCode.interrupted]);
    expect(interruption.signal).toBe('SIGTERM');
  });
});
