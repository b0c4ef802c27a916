import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/config.ts';
import { ConfigError } from '../../../src/errors/config-error.ts';
import { ExitCode } from '../../../src/errors/exit-codes.ts';
import { appPostgresUrl, isPostgresUrl } from '../../../src/migrate/app-database-url.ts';
import { MigrationStepError } from '../../../src/migrate/migration-step-error.ts';

describe('appPostgresUrl', () => {
  it('points at the postgres service inside the compose network, without the password', () => {
    const config = { postgres: { host: 'postgres', port: 5433, user: 'lawfirm', password: 'secret', database: 'lawfirm' } } as unknown as Config;
    expect(appPostgresUrl(config)).toBe('postgresql://lawfirm@postgres:5432/lawfirm');
  });

  it.each([
    ['postgresql://u@h/d', true],
    ['postgres://u@h/d', true],
    ['sqlite:///./data/x.db', false],
  ])('%s is PostgreSQL: %s', (url, expected) => expect(isPostgresUrl(url)).toBe(expected));
});

describe('MigrationStepError', () => {
  it('names the step, keeps the cause and its exit code, and adds the hint', () => {
    const cause = new ConfigError('POSTGRES_PORT', '.env.development', 'is taken', 'Choose another.');
    const error = new MigrationStepError('Start PostgreSQL', cause, 'check `docker ps`.');
    expect(error.message).toBe(
      'Step "Start PostgreSQL" failed: Configuration error in .env.development: POSTGRES_PORT is taken. Choose another.\nTroubleshooting: check `docker ps`.',
    );
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.cause).toBe(cause);
  });

  it('uses the general failure code for errors that are not ours', () => {
    expect(new MigrationStepError('Copy', new Error('socket hang up'), 'retry.').exitCode).toBe(ExitCode.failure);
  });
});
