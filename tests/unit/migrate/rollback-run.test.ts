import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTasks } from '../../../src/cli/run-tasks.ts';
import type { Config } from '../../../src/config/config.ts';
import type { DbopsError } from '../../../src/errors/dbops-error.ts';
import { ExitCode } from '../../../src/errors/exit-codes.ts';
import type { DataMover, MoveResult } from '../../../src/migrate/data-mover.ts';
import { RollbackRun } from '../../../src/migrate/rollback-run.ts';
import { rollbackTasks } from '../../../src/tasks/rollback-tasks.ts';
import { envFileUrl, FakeStack, fakeConfig, postgresUrl, sqliteUrl } from '../../support/fake-stack.ts';
import { tempDir } from '../../support/temp-dir.ts';

class FakeMover implements DataMover {
  difference: string | undefined;
  async copy(): Promise<MoveResult> {
    throw new Error('a rollback never copies');
  }
  async verify(): Promise<MoveResult> {
    if (this.difference) throw new Error(this.difference);
    return { tables: [], warnings: [], report: null };
  }
}

describe('RollbackRun', () => {
  let dir: { path: string; remove: () => void };
  let config: Config;
  let stack: FakeStack;
  let mover: FakeMover;
  let run: RollbackRun;

  const build = (force = false) => {
    run = new RollbackRun({ stack, mover, summariseSource: () => ({ tables: 2, sessions: 240 }) }, { previousUrl: sqliteUrl, force });
  };
  const rollback = () => runTasks(rollbackTasks(run), {}, { renderer: 'silent' });
  const onPostgres = `DATABASE_URL=${postgresUrl}\nDBOPS_PREVIOUS_DATABASE_URL=${sqliteUrl}\n`;

  beforeEach(() => {
    dir = tempDir('dbops-rollback-run-');
    config = fakeConfig(dir.path, { databaseUrl: postgresUrl, previousDatabaseUrl: sqliteUrl });
    stack = new FakeStack(config);
    stack.running.postgres = true;
    mover = new FakeMover();
    build();
  });
  afterEach(() => dir.remove());

  it('points the api at SQLite again, drops the kept URL, and checks the api serves SQLite', async () => {
    await rollback();
    expect(readFileSync(config.envFile, 'utf8')).toBe(`# kept as written\nDATABASE_URL=${sqliteUrl}\n`);
    expect(stack.health()).toEqual({ status: 'ok', backend: 'sqlite', sessions: 240 });
    expect(run.outcome()).toEqual({ postgres: 'PostgreSQL holds exactly what SQLite holds', api: { status: 'ok', backend: 'sqlite', sessions: 240 } });
  });

  it('refuses when PostgreSQL holds rows SQLite lacks, and changes nothing', async () => {
    mover.difference = 'sessions: SQLite has 240 rows, PostgreSQL 241';
    const error = (await rollback().catch((caught: unknown) => caught)) as DbopsError;
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toMatch(/pass --force to roll back anyway/);
    expect(await run.recover()).toBe('Nothing was changed: the api still uses PostgreSQL.');
    expect(readFileSync(config.envFile, 'utf8')).toBe(`# kept as written\n${onPostgres}`);
    expect(stack.calls).toEqual([]);
  });

  it('rolls back with --force and says what differed', async () => {
    mover.difference = 'sessions: SQLite has 240 rows, PostgreSQL 241';
    build(true);
    await rollback();
    expect(run.outcome().postgres).toMatch(/^PostgreSQL differs from SQLite; rolled back anyway \(--force\): sessions/);
    expect(envFileUrl(config)).toBe(sqliteUrl);
  });

  it('rolls back when PostgreSQL is not running, saying it could not check', async () => {
    stack.running.postgres = false;
    await rollback();
    expect(run.outcome().postgres).toMatch(/PostgreSQL is not running/);
  });

  it.each([
    ['the api does not restart', () => void stack.failNext('restartApi'), /restartApi failed/],
    ['the api never becomes healthy', () => void stack.failNext('waitForApi'), /waitForApi failed/],
    ['the api serves another count', () => void (stack.sessions.sqlite = 10), /reports backend sqlite with 10 sessions; expected sqlite with 240/],
  ])('when %s, recover() points the api back at PostgreSQL and keeps the SQLite URL for the next try', async (_name, arrange, failure) => {
    arrange();
    await expect(rollback()).rejects.toThrow(failure);
    expect(await run.recover()).toBe(`DATABASE_URL is ${postgresUrl} again and the api serves 240 sessions from postgresql.`);
    expect(readFileSync(config.envFile, 'utf8')).toBe(`# kept as written\n${onPostgres}`);
    expect(stack.health().backend).toBe('postgresql');
  });

  it('recover() throws when the api cannot be put back on PostgreSQL either', async () => {
    stack.failNext('restartApi');
    await expect(rollback()).rejects.toThrow();
    stack.failNext('restartApi', new Error('compose up failed again'));
    await expect(run.recover()).rejects.toThrow(/compose up failed again/);
    expect(envFileUrl(config)).toBe(postgresUrl);
  });
});
