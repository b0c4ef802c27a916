import { describe, expect, it } from 'vitest';
import { describeError } from '../../../src/cli/describe-error.ts';
import { ConfigError } from '../../../src/errors/config-error.ts';
import { ExitCode } from '../../../src/errors/exit-codes.ts';
import { DbopsError } from '../../../src/errors/dbops-error.ts';
import { InputError } from '../../../src/errors/input-error.ts';
import { ReadinessTimeoutError } from '../../../src/errors/readiness-timeout-error.ts';
import { RunFailedError } from '../../../src/errors/run-failed-error.ts';

describe('describeError', () => {
  it('prints our errors as their paragraph with their exit code and no stack', () => {
    const report = describeError(new ConfigError('API_PORT', '.env.development', 'must be a number (got "x")', 'Fix API_PORT in .env.development.'), false);
    expect(report).toEqual({
      message: 'dbops: Configuration error in .env.development: API_PORT must be a number (got "x"). Fix API_PORT in .env.development.',
      exitCode: ExitCode.config,
    });
  });

  it('adds the stack with --debug', () => {
    expect(describeError(new ConfigError('K', 'f', 'is bad', 'Fix it.'), true).message).toMatch(/\n\s+at /);
  });

  it('marks anything else as unexpected and points at --debug', () => {
    const report = describeError(new TypeError('x is undefined'), false);
    expect(report.exitCode).toBe(ExitCode.failure);
    expect(report.message).toMatch(/^dbops: unexpected error: x is undefined\nRun again with --debug/);
  });

  it('shows what the readiness probe and the logs said', () => {
    const error = new ReadinessTimeoutError(
      'postgres',
      61_000,
      '127.0.0.1:5432 - no response',
      'running',
      'FATAL:  password authentication failed\n',
      'Troubleshooting: check the password.',
    );
    expect(describeError(error, false)).toEqual({
      message:
        'dbops: The postgres service was not ready after 61 s (container running). The last readiness check said:\n' +
        '  127.0.0.1:5432 - no response\nIts last log lines were:\n  FATAL:  password authentication failed\nTroubleshooting: check the password.',
      exitCode: ExitCode.readiness,
    });
  });
});

describe('describeError of a failed run: the failure, then the recovery, each once', () => {
  const interrupted = new DbopsError('Interrupted by SIGINT before the step "Copy".', { exitCode: ExitCode.interrupted });
  it.each([
    [
      'a failure of ours keeps its paragraph and exit code',
      new RunFailedError(
        new InputError('The SQLite file x.db does not exist.'),
        'Check the SQLite file',
        'SQLite was not modified and the api was not touched.',
      ),
      'dbops: The SQLite file x.db does not exist.\nSQLite was not modified and the api was not touched.',
      ExitCode.input,
    ],
    [
      'an interruption exits with 130',
      new RunFailedError(interrupted, 'Stop the api', 'The api serves 240 sessions from sqlite.'),
      'dbops: Interrupted by SIGINT before the step "Copy".\nThe api serves 240 sessions from sqlite.',
      ExitCode.interrupted,
    ],
    [
      'an unexpected failure is marked so, and the recovery still follows',
      new RunFailedError(new TypeError('x is undefined'), undefined, 'Nothing was changed.'),
      'dbops: unexpected error: x is undefined\nRun again with --debug for the stack trace, and report it if it persists.\nNothing was changed.',
      ExitCode.failure,
    ],
  ])('%s', (_name, error, message, exitCode) => {
    expect(describeError(error, false)).toEqual({ message, exitCode });
  });

  it("never folds the recovery into the failure's own message", () => {
    const error = new RunFailedError(new InputError('bad file'), 'Check', 'Nothing was changed.');
    expect(error.message).toBe('bad file');
    expect(error.recovery).toBe('Nothing was changed.');
  });
});
