import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTasks } from '../../../src/cli/run-tasks.ts';
import type { Config } from '../../../src/config/config.ts';
import { ExitCode } from '../../../src/errors/exit-codes.ts';
import { TransferError } from '../../../src/errors/transfer-error.ts';
import type { DataMover, MoveResult } from '../../../src/migrate/data-mover.ts';
import { MigrationRun, migrationSteps, type SourceWatch } from '../../../src/migrate/migration-run.ts';
import { MigrationStepError } from '../../../src/migrate/migration-step-error.ts';
import type { ConnectPostgres, PostgresConnection } from '../../../src/postgres/postgres-connection.ts';
import { migrateTasks } from '../../../src/tasks/migrate-tasks.ts';
import { envFileUrl, FakeStack, fakeConfig, postgresUrl, sqliteUrl } from '../../support/fake-stack.ts';
import { tempDir } from '../../support/temp-dir.ts';

const copied: MoveResult = {
  tables: [
    { table: 'sessions', schema: 'public', target: 'sessions', rows: 240 },
    { table: 'messages', schema: 'public', target: 'messages', rows: 1200 },
  ],
  warnings: ['messages.body widened to text: longer than declared'],
  report: { engine: 'fake' },
};

/** PostgreSQL as the migration queries it: the version and table count, then one count(*) per table. */
class FakeServer {
  tables = 0;
  counts: Record<string, number> = { sessions: 240, messages: 1200 };
  refuse: Error | undefined;
  readonly connect: ConnectPostgres = async () => {
    if (this.refuse) throw this.refuse;
    const connection = {
      query: async (sql: string) => {
        if (sql.includes('server_version')) return { rows: [{ version: '15.8', tables: String(this.tables) }], rowCount: 1 };
        const table = /FROM "public"\."(\w+)"/.exec(sql)?.[1] ?? '';
        return { rows: [{ n: String(this.counts[table] ?? 0) }], rowCount: 1 };
      },
      close: async () => {},
    };
    return connection as unknown as PostgresConnection;
  };
}

/** The SQLite file as the guard sees it: a commit by another process can be made to appear at any point. */
class FakeGuard implements SourceWatch {
  readonly writers = 'held off' as const;
  readonly journalMode = 'delete';
  changed = false;
  opened = 0;
  closed = 0;
  counts = new Map([
    ['sessions', 240],
    ['messages', 1200],
  ]);
  readonly open = () => {
    this.opened += 1;
    return this;
  };
  changes() {
    return this.changed ? { changed: true, tables: [{ table: 'messages', rowsBefore: 1200, rowsNow: 1230 }] } : { changed: false, tables: [] };
  }
  countRows() {
    return new Map(this.counts);
  }
  close() {
    this.closed += 1;
  }
}

class FakeMover implements DataMover {
  failure: Error | undefined;
  readonly calls: string[] = [];
  async copy(_sqlitePath: string, _target: unknown, options: { ifExists: 'fail' | 'truncate' }): Promise<MoveResult> {
    this.calls.push(`copy (${options.ifExists})`);
    if (this.failure) throw this.failure;
    return copied;
  }
  async verify(): Promise<MoveResult> {
    this.calls.push('verify');
    if (this.failure) throw this.failure;
    return { ...copied, warnings: [] };
  }
}

describe('MigrationRun', () => {
  let dir: { path: string; remove: () => void };
  let config: Config;
  let stack: FakeStack;
  let server: FakeServer;
  let mover: FakeMover;
  let backups: string[];
  let sourceProblem: Error | undefined;
  let guard: FakeGuard;
  let run: MigrationRun;

  const build = (overrides: Partial<Parameters<typeof fakeConfig>[1]> = {}) => {
    config = fakeConfig(dir.path, overrides);
    stack = new FakeStack(config);
    run = new MigrationRun({
      stack,
      mover,
      connect: server.connect,
      safetyBackup: async () => {
        backups.push('taken');
        return path.join(config.backupDir, 'lawfirm-pre-migrate.dump');
      },
      summariseSource: () => {
        if (sourceProblem) throw sourceProblem;
        return { tables: 2, sessions: 240 };
      },
      openSourceGuard: guard.open,
      now: () => 1000 * backups.length,
    });
  };
  const migrate = () => runTasks(migrateTasks(run), {}, { renderer: 'silent' });

  beforeEach(() => {
    dir = tempDir('dbops-migration-run-');
    mkdirSync(path.join(dir.path, 'data'));
    server = new FakeServer();
    mover = new FakeMover();
    backups = [];
    sourceProblem = undefined;
    guard = new FakeGuard();
    build();
  });
  afterEach(() => dir.remove());

  it('copies, switches DATABASE_URL (keeping the SQLite one), restarts the api on PostgreSQL and checks it', async () => {
    await migrate();
    expect(envFileUrl(config)).toBe(postgresUrl);
    // The committed env file is never written: the switch is this machine's state, in the git-ignored .local file.
    expect(readFileSync(config.envFile, 'utf8')).toBe(`# kept as written\nDATABASE_URL=${sqliteUrl}\n`);
    expect(readFileSync(`${config.envFile}.local`, 'utf8')).toBe(`DATABASE_URL=${postgresUrl}\nDBOPS_PREVIOUS_DATABASE_URL=${sqliteUrl}\n`);
    expect(statSync(`${config.envFile}.local`).mode & 0o777).toBe(0o600);
    expect(stack.health()).toEqual({ status: 'ok', backend: 'postgresql', sessions: 240 });
    expect(stack.calls).toEqual(['start postgres', 'stop api', 'restart api on postgresql']);
    expect(mover.calls).toEqual(['copy (fail)']);
    expect(backups).toEqual([]);
    expect(run.warnings).toEqual(copied.warnings);
    expect(run.outcome()).toMatchObject({ alreadyMigrated: false, safetyBackup: null, tables: copied.tables, api: { backend: 'postgresql', sessions: 240 } });
  });

  it('takes a safety backup and truncates when PostgreSQL already holds tables', async () => {
    server.tables = 2;
    await migrate();
    expect(backups).toEqual(['taken']);
    expect(mover.calls).toEqual(['copy (truncate)']);
    expect(run.outcome().safetyBackup).toMatch(/lawfirm-pre-migrate\.dump$/);
  });

  it('always takes a safety backup in production', async () => {
    build({ environment: 'production' });
    await migrate();
    expect(backups).toEqual(['taken']);
  });

  it('only verifies when the api already uses PostgreSQL, and its recovery changes nothing', async () => {
    build({ databaseUrl: postgresUrl, previousDatabaseUrl: sqliteUrl });
    const before = readFileSync(config.envFile, 'utf8');
    await migrate();
    expect(mover.calls).toEqual(['verify']);
    expect(stack.calls).toEqual(['start postgres', 'start api']);
    expect(readFileSync(config.envFile, 'utf8')).toBe(before);
    expect(run.outcome().alreadyMigrated).toBe(true);
    expect(await run.recover()).toBe('Nothing was changed.');
  });

  const untouched = 'SQLite was not modified and the api was not touched.';
  const backOnSqlite = `SQLite was not modified; DATABASE_URL is ${sqliteUrl} again and the api serves 240 sessions from sqlite.`;

  // Every step's failure: the step it names, the exit code it keeps, and what recover() leaves.
  const failures: ReadonlyArray<readonly [keyof typeof migrationSteps, () => void, string]> = [
    ['checkSource', () => void (sourceProblem = new Error('The SQLite file is missing')), untouched],
    ['startPostgres', () => void stack.failNext('start'), untouched],
    ['waitForPostgres', () => void stack.failNext('waitForPostgres'), untouched],
    ['initialise', () => void (server.refuse = new Error('password authentication failed for user "lawfirm"')), untouched],
    ['stopApi', () => void stack.failNext('stop'), backOnSqlite],
    ['copy', () => void (mover.failure = new Error('table "messages", column "body", rowid 7: invalid UTF-8')), backOnSqlite],
    ['restartApi', () => void stack.failNext('restartApi'), backOnSqlite],
    ['verifyApi', () => void (server.counts = { sessions: 240, messages: 1199 }), backOnSqlite],
  ];
  it.each(failures)('a failure in %s is named, and recover() leaves the api on SQLite', async (step, arrange, recovery) => {
    arrange();
    const error = await migrate().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationStepError);
    expect((error as MigrationStepError).step).toBe(migrationSteps[step].title);
    expect(await run.recover()).toBe(recovery);
    expect(envFileUrl(config)).toBe(sqliteUrl);
    expect(readFileSync(config.envFile, 'utf8')).not.toMatch(/DBOPS_PREVIOUS_DATABASE_URL/);
    const local = `${config.envFile}.local`;
    expect(existsSync(local) ? readFileSync(local, 'utf8') : '').not.toMatch(/DATABASE_URL/);
    expect(stack.running.api).toBe(true);
    expect(stack.health().backend).toBe('sqlite');
  });

  it('a failed safety backup puts the stopped api back on SQLite', async () => {
    server.tables = 3;
    run = new MigrationRun({
      stack,
      mover,
      connect: server.connect,
      safetyBackup: async () => {
        throw new Error('pg_dump failed');
      },
      summariseSource: () => ({ tables: 2, sessions: 240 }),
      openSourceGuard: guard.open,
    });
    const error = await migrate().catch((caught: unknown) => caught);
    expect((error as MigrationStepError).step).toBe(migrationSteps.safetyBackup.title);
    expect(mover.calls).toEqual([]);
    expect(await run.recover()).toBe(backOnSqlite);
    expect(stack.calls.at(-1)).toBe('restart api on sqlite');
  });

  it('a switch that cannot write the env file is named, and the stopped api goes back on SQLite', async () => {
    const readOnly = fakeConfig(dir.path);
    Object.assign(readOnly, { envFile: path.join(dir.path, 'no-such-dir', '.env.development') });
    stack = new FakeStack(readOnly);
    run = new MigrationRun({
      stack,
      mover,
      connect: server.connect,
      safetyBackup: async () => 'x',
      summariseSource: () => ({ tables: 2, sessions: 240 }),
      openSourceGuard: guard.open,
    });
    const error = await migrate().catch((caught: unknown) => caught);
    expect((error as MigrationStepError).step).toBe(migrationSteps.switchUrl.title);
    expect(await run.recover()).toMatch(/the api serves 240 sessions from sqlite/);
  });

  it('keeps the exit code of what failed: a count mismatch through the api is a verification failure', async () => {
    stack.sessions.postgresql = 239;
    const error = (await migrate().catch((caught: unknown) => caught)) as MigrationStepError;
    expect(error.step).toBe(migrationSteps.verifyApi.title);
    expect(error.exitCode).toBe(ExitCode.verification);
    expect(error.message).toMatch(/^Step "Verify through the application" failed: the api reports backend postgresql with 239 sessions/);
    expect(error.hint).toMatch(/dbops rollback/);
  });

  it('recover() throws when the api cannot be put back, so the caller can say so', async () => {
    mover.failure = new Error('copy failed');
    await migrate().catch(() => undefined);
    stack.failNext('restartApi', new Error('compose up failed'));
    await expect(run.recover()).rejects.toThrow(/compose up failed/);
    expect(envFileUrl(config)).toBe(sqliteUrl);
  });

  it('holds the SQLite file from the api stop to the end, and closes it after success', async () => {
    await migrate();
    expect(guard.opened).toBe(1);
    expect(guard.closed).toBe(1);
    expect(run.outcome().sourceWriters).toMatch(/^writers were held off \(rollback journal/);
  });

  it('stops before the switch when another process wrote to SQLite during the copy, naming the table', async () => {
    mover.copy = async () => {
      guard.changed = true;
      return copied;
    };
    const error = (await migrate().catch((caught: unknown) => caught)) as MigrationStepError;
    expect(error.step).toBe(migrationSteps.switchUrl.title);
    expect(error.exitCode).toBe(ExitCode.verification);
    expect(error.message).toMatch(
      /The SQLite file .* changed during the migration \(writers were held off[^\n]*\):\n {2}messages: 1200 rows at the copy, 1230 now \(\+30\)/,
    );
    expect(error.hint).toMatch(/find what writes to the SQLite file/);
    expect(envFileUrl(config)).toBe(sqliteUrl);
    expect(await run.recover()).toBe(backOnSqlite);
    expect(guard.closed).toBe(1);
  });

  it('counts SQLite again at the end: a row that reached SQLite after the copy fails the check, and the api goes back', async () => {
    guard.counts.set('messages', 1201);
    const error = (await migrate().catch((caught: unknown) => caught)) as MigrationStepError;
    expect(error.step).toBe(migrationSteps.verifyApi.title);
    expect(error.message).toMatch(/holds 1200 rows in PostgreSQL but 1201 in SQLite table messages/);
    expect(await run.recover()).toBe(backOnSqlite);
    expect(envFileUrl(config)).toBe(sqliteUrl);
  });

  it('names a server that went away by what the engine saw, with the fix for that, not the source-data advice', async () => {
    mover.failure = Object.assign(new Error('Connection terminated unexpectedly'), {});
    stack.evidence = { containerName: 'fake-postgres-1', state: 'exited', exitCode: 137, oomKilled: false, lastLogLines: [], restartCount: 0 };
    const error = (await migrate().catch((caught: unknown) => caught)) as MigrationStepError;
    expect(error.step).toBe(migrationSteps.copy.title);
    expect(error.exitCode).toBe(ExitCode.serverLost);
    expect(error.message).toMatch(/Found: fake-postgres-1 was killed \(SIGKILL, exit code 137\) from outside dbops\./);
    expect(error.hint).toMatch(/docker events/);
    expect(error.hint).not.toMatch(/--invalid-text/);
  });

  it.each([
    ['bad source data', () => new TransferError({ table: 'messages', column: 'body', rowid: '7', problem: 'invalid UTF-8' }), /--invalid-text/],
    ['anything else', () => new Error('something unforeseen'), /read the message above/],
  ])('gives the copy step the hint for %s', async (_name, failure, hint) => {
    mover.failure = failure();
    const error = (await migrate().catch((caught: unknown) => caught)) as MigrationStepError;
    expect(error.hint).toMatch(hint);
  });
});
