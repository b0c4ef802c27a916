import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors/exit-codes.ts';
import { openSqlite } from '../../src/sqlite/sqlite-database.ts';
import { dockerForTests } from '../support/docker-for-tests.ts';
import { e2eStack } from '../support/e2e-stack.ts';
import { repoRoot } from '../support/run-cli.ts';

const docker = await dockerForTests();

interface Health {
  readonly backend: string;
  readonly sessions: number;
}

/**
 * Faults during a migration, on the real stack: the operator's Ctrl-C, PostgreSQL killed, dbops
 * itself killed, a full backup directory. After each: the exit code and message, and that nothing
 * was lost (SQLite unchanged, the api serving, no lock or partial file left).
 */
describe.skipIf(!docker.ready)('faults during migrate and backup', () => {
  if (!docker.ready) return;
  let stack: Awaited<ReturnType<typeof e2eStack>>;
  const sessions = 30_000;
  const messages = sessions * 6;
  const health = async () => (await (await fetch(`${stack.apiUrl}/health`)).json()) as Health;
  const locks = () =>
    existsSync(path.join(stack.projectDir, 'runs')) ? readdirSync(path.join(stack.projectDir, 'runs')).filter((f) => f.endsWith('.lock')) : [];
  const sqliteCounts = () => {
    const db = openSqlite(stack.env.SQLITE_PATH, { readonly: true });
    try {
      return { sessions: Number(db.get('SELECT count(*) AS n FROM sessions')?.n), messages: Number(db.get('SELECT count(*) AS n FROM messages')?.n) };
    } finally {
      db.close();
    }
  };
  const postgres = async () => (await docker.runtime.findServiceContainer(stack.project, 'postgres'))!;
  const psql = async (sql: string) => {
    const result = await docker.runtime.exec((await postgres()).id, ['psql', '-U', 'lawfirm', '-d', 'lawfirm', '-Atc', sql]);
    return result.stdout.trim();
  };
  const migrate = (): ResultPromise =>
    execa('node', [path.join(repoRoot, 'bin/dbops.js'), '--project-dir', stack.projectDir, 'migrate', '--env', 'development'], {
      env: stack.env,
      extendEnv: true,
      reject: false,
      stdin: 'ignore',
    });
  /** Resolves once a COPY into PostgreSQL is running (the copy step is under way). */
  const copying = async () => {
    for (let tries = 0; tries < 1200; tries += 1) {
      const container = await postgres().catch(() => undefined);
      if (container?.state === 'running') {
        const running = await psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY %FROM STDIN%'").catch(() => '0');
        if (Number(running) > 0) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('no COPY started within 120 s');
  };
  const servingSqlite = async () => {
    expect(stack.databaseUrl()).toMatch(/^sqlite:/);
    expect(await health()).toMatchObject({ backend: 'sqlite', sessions });
    expect(sqliteCounts()).toEqual({ sessions, messages });
    expect(locks()).toEqual([]);
  };

  beforeAll(async () => {
    stack = await e2eStack(docker.images);
    expect((await stack.cli('sample', '--out', stack.env.SQLITE_PATH, '--sessions', String(sessions), '--messages-per-session', '6')).exitCode).toBe(0);
    const up = await stack.cli('up', '--env', 'development');
    expect(up.exitCode, up.stderr).toBe(0);
  });

  afterAll(async () => {
    expect(await stack.destroy(docker.runtime)).toEqual({ containers: [], networks: [], volumes: [] });
  });

  it('SIGINT in the middle of the copy: exit 130, the api back on SQLite, no lock left', async () => {
    const child = migrate();
    await copying();
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(ExitCode.interrupted);
    expect(result.stderr).toMatch(/SIGINT received: finishing the current step/);
    await servingSqlite();
  }, 180_000);

  it('PostgreSQL killed in the middle of the copy: named as the server failing, not as bad data; the api back on SQLite', async () => {
    const child = migrate();
    await copying();
    await execa('docker', ['kill', (await postgres()).id]);
    const killed = Date.now();
    const result = await child;
    expect(Date.now() - killed).toBeLessThan(60_000);
    expect(result.exitCode, String(result.stderr)).toBe(ExitCode.serverLost);
    expect(result.stderr).toMatch(/PostgreSQL at .* failed under this step: connection lost/);
    expect(result.stderr).not.toMatch(/--invalid-text|fix the source|unexpected error/);
    await servingSqlite();
  }, 180_000);

  it('dbops SIGKILLed in the middle of the copy: the next migrate takes the stale lock over and completes', async () => {
    const child = migrate();
    await copying();
    child.kill('SIGKILL');
    await child;
    expect(sqliteCounts()).toEqual({ sessions, messages });
    const rerun = await stack.cli('migrate', '--env', 'development');
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(new RegExp(`Migrated development: 2 tables, ${sessions + messages} rows copied and verified`));
    expect(await health()).toMatchObject({ backend: 'postgresql', sessions });
    expect(await psql("SELECT (SELECT count(*) FROM sessions) || ',' || (SELECT count(*) FROM messages)")).toBe(`${sessions},${messages}`);
    expect(locks()).toEqual([]);
  }, 240_000);

  it('a full BACKUP_DIR: exit 7 naming the directory, no partial file left, nothing else changed', async () => {
    const full = path.join(stack.dir.path, 'small-backups');
    mkdirSync(full);
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full]);
    try {
      const result = await stack.cliWith({ BACKUP_DIR: full }, 'backup', '--env', 'development');
      expect(result.exitCode, result.stderr).toBe(ExitCode.input);
      expect(result.stderr).toMatch(new RegExp(`The backup directory ${full} \\(BACKUP_DIR\\) is full \\(ENOSPC\\)`));
      expect(result.stderr).not.toMatch(/unexpected error/);
      expect(readdirSync(full).filter((name) => !name.startsWith('.'))).toEqual([]);
      expect(await health()).toMatchObject({ backend: 'postgresql', sessions });
    } finally {
      await execa('umount', [full]);
    }
  }, 120_000);

  it('the postgres container paused during a backup: exit 4 within seconds, naming `docker unpause`, no partial archive', async () => {
    const dir = path.join(stack.dir.path, 'paused-backups');
    const child = execa('node', [path.join(repoRoot, 'bin/dbops.js'), '--project-dir', stack.projectDir, 'backup', '--env', 'development'], {
      env: { ...stack.env, BACKUP_DIR: dir },
      extendEnv: true,
      reject: false,
      stdin: 'ignore',
    });
    for (let tries = 0; tries < 600; tries += 1) {
      if (Number(await psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY %TO stdout%'").catch(() => '0')) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const id = (await postgres()).id;
    await execa('docker', ['pause', id]);
    const paused = Date.now();
    try {
      const result = await child;
      expect(Date.now() - paused).toBeLessThan(30_000);
      expect(result.exitCode, String(result.stderr)).toBe(ExitCode.docker);
      expect(result.stderr).toMatch(/container is paused, so .* cannot go on: `docker unpause /);
      expect(result.stderr).not.toMatch(/Start the stack first/);
      expect(existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.partial') || name.endsWith('.dump')) : []).toEqual([]);
    } finally {
      await execa('docker', ['unpause', id]);
    }
    expect(await health()).toMatchObject({ backend: 'postgresql', sessions });
  }, 120_000);

  it('a restore under steady api traffic: completes with every row back, and the api error window is measured', async () => {
    const dir = path.join(stack.dir.path, 'load-backups');
    const backup = await stack.cliWith({ BACKUP_DIR: dir }, 'backup', '--env', 'development');
    expect(backup.exitCode, backup.stderr).toBe(0);
    const archive = /backup: (\S+\.dump)/.exec(backup.stdout)![1]!;
    await psql('DELETE FROM messages WHERE id % 2 = 0');
    // A bounded request loop: one GET /health every 50 ms until the restore ends (at most 5 minutes).
    let stop = false;
    const samples: { at: number; ok: boolean }[] = [];
    const loop = (async () => {
      for (const until = Date.now() + 300_000; !stop && Date.now() < until;) {
        const at = Date.now();
        const ok = await fetch(`${stack.apiUrl}/health`, { signal: AbortSignal.timeout(2000) })
          .then((response) => response.ok)
          .catch(() => false);
        samples.push({ at, ok });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const restore = await stack.cliWith({ BACKUP_DIR: dir }, 'restore', '--env', 'development', archive);
    stop = true;
    await loop;
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(await psql('SELECT count(*) FROM messages')).toBe(String(messages));
    const failed = samples.filter((sample) => !sample.ok);
    const window = failed.length === 0 ? 0 : failed.at(-1)!.at - failed[0]!.at;
    console.log(`restore under load: ${samples.length} requests, ${failed.length} failed, error window ${(window / 1000).toFixed(1)} s`);
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.at(-1)?.ok).toBe(true);
    expect(await health()).toMatchObject({ backend: 'postgresql', sessions });
  }, 300_000);
});
