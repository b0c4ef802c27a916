import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors/exit-codes.ts';
import { openSqlite } from '../../src/sqlite/sqlite-database.ts';
import { dockerForTests } from '../support/docker-for-tests.ts';
import { e2eStack } from '../support/e2e-stack.ts';

const docker = await dockerForTests();

/**
 * Another process (a worker, a cron job, a second api instance) keeps inserting into the SQLite
 * file while migrate runs. Before SourceGuard, 26-56 such rows never reached PostgreSQL and
 * migrate still switched the api. Now every row that process committed is in PostgreSQL, or
 * migrate stops before the switch and says which tables changed.
 */
describe.skipIf(!docker.ready)('writers on the SQLite file during migrate', () => {
  if (!docker.ready) return;
  let stack: Awaited<ReturnType<typeof e2eStack>>;
  const sessions = 3000;

  /** Inserts a message every few milliseconds until stopped; prints the rowid and time of each commit, and each refusal. */
  const writer = (file: string) =>
    execa(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        import Database from 'better-sqlite3';
        const db = new Database(process.argv[1], { timeout: 50 });
        const insert = db.prepare("INSERT INTO messages (session_id, role, content, timestamp) SELECT id, 'user', ` +
          `'written during the migration', datetime('now') FROM sessions LIMIT 1");
        let stop = false;
        process.on('SIGTERM', () => (stop = true));
        while (!stop) {
          try {
            const { lastInsertRowid } = insert.run();
            console.log('ok', String(lastInsertRowid), Date.now());
          } catch (error) {
            console.log('refused', error.code, Date.now());
          }
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        `,
        file,
      ],
      { reject: false },
    );

  /** Changes the file's journal mode with the api stopped (leaving WAL needs the file to itself), then starts the stack again. */
  const journal = async (mode: 'delete' | 'wal') => {
    const api = (await docker.runtime.findServiceContainer(stack.project, 'api'))!;
    await execa('docker', ['stop', api.id]);
    const db = openSqlite(stack.env.SQLITE_PATH);
    try {
      expect(db.get(`PRAGMA journal_mode = ${mode}`)?.journal_mode).toBe(mode);
    } finally {
      db.close();
    }
    const up = await stack.cli('up', '--env', 'development');
    expect(up.exitCode, up.stderr).toBe(0);
  };
  const health = async () => (await (await fetch(`${stack.apiUrl}/health`)).json()) as { backend: string; sessions: number };
  const postgresMessageIds = async () => {
    const container = (await docker.runtime.findServiceContainer(stack.project, 'postgres'))!;
    const result = await docker.runtime.exec(container.id, ['psql', '-U', 'lawfirm', '-d', 'lawfirm', '-Atc', 'SELECT id FROM messages']);
    return new Set(result.stdout.split('\n').filter(Boolean));
  };
  const sqliteCount = () => {
    const db = openSqlite(stack.env.SQLITE_PATH, { readonly: true });
    try {
      return Number(db.get('SELECT count(*) AS n FROM messages')?.n);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    stack = await e2eStack(docker.images);
    expect((await stack.cli('sample', '--out', stack.env.SQLITE_PATH, '--sessions', String(sessions), '--messages-per-session', '10')).exitCode).toBe(0);
    const up = await stack.cli('up', '--env', 'development');
    expect(up.exitCode, up.stderr).toBe(0);
  });

  afterAll(async () => {
    expect(await stack.destroy(docker.runtime)).toEqual({ containers: [], networks: [], volumes: [] });
  });

  it('WAL: migrate notices the rows written during the copy and stops before the switch, naming the table; nothing is lost', async () => {
    await journal('wal');
    const writing = writer(stack.env.SQLITE_PATH);
    const result = await stack.cli('migrate', '--env', 'development');
    writing.kill('SIGTERM');
    const lines = String((await writing).stdout).split('\n');
    const committed = lines.filter((line) => line.startsWith('ok')).length;
    expect(committed).toBeGreaterThan(0);
    expect(result.exitCode, result.stderr).toBe(ExitCode.verification);
    expect(result.stderr).toMatch(/The SQLite file .* changed during the migration \(writers were watched \(WAL/);
    expect(result.stderr).toMatch(/messages: \d+ rows at the copy, \d+ now \(\+\d+\)/);
    expect(stack.databaseUrl()).toMatch(/^sqlite:/);
    expect(await health()).toMatchObject({ backend: 'sqlite', sessions });
    expect(sqliteCount()).toBe(sessions * 10 + committed);
  }, 240_000);

  it('rollback journal: writers are held off during the copy and the switch; every row they committed is in PostgreSQL', async () => {
    await journal('delete');
    const writing = writer(stack.env.SQLITE_PATH);
    const result = await stack.cli('migrate', '--env', 'development');
    const finished = Date.now();
    writing.kill('SIGTERM');
    const lines = String((await writing).stdout).split('\n');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/sqlite: other writers were held off \(rollback journal/);
    expect(lines.some((line) => line.startsWith('refused SQLITE_BUSY'))).toBe(true);
    // A row committed before migrate ended must have reached PostgreSQL (the last half second is
    // the only window in which the writer may have committed after the guard let go).
    const inPostgres = await postgresMessageIds();
    const lost = lines
      .filter((line) => line.startsWith('ok'))
      .map((line) => line.split(' '))
      .filter(([, , at]) => Number(at) < finished - 500)
      .map(([, rowid]) => rowid)
      .filter((rowid) => !inPostgres.has(String(rowid)));
    expect(lost).toEqual([]);
    expect(await health()).toMatchObject({ backend: 'postgresql', sessions });
  }, 240_000);
});
