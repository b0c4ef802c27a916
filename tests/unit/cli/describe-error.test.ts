import { describe, expect, it } from 'vitest';
import { describeError } from '../../../src/cli/describe-error.ts';
import { ConfigError } from '../../../src/errors/config-error.ts';
import { ExitCode } from '../../../src/errors/exit-codes.ts';
import { ReadinessTimeoutError } from '../../../src/errors/readiness-timeout-error.ts';

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
    const error = new ReadinessTimeoutError('postgres', 61_000, '127.0.0.1:5432 - no response', 'running', 'FATAL:  password authentication failed\n', 'Troubleshooting: check the password.');
    expect(describeError(error, false)).toEqual({
      message:
        'dbops: The postgres service was not ready after 61 s (container running). The last readiness check said:\n' +
        '  127.0.0.1:5432 - no response\nIts last log lines were:\n  FATAL:  password authentication failed\nTroubleshooting: check the password.',
      exitCode: ExitCode.readiness,
    });
  });
});
