import { createHash } from 'node:crypto';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerForTests } from '../support/docker-for-tests.ts';
import { e2eStack } from '../support/e2e-stack.ts';
import { repoRoot } from '../support/run-cli.ts';

const docker = await dockerForTests();

/** The api's two tables, filled in PostgreSQL directly (the transfer engine is not needed for backups). */
const seedSql = `
CREATE TABLE sessions (
  id text PRIMARY KEY, user_id text NOT NULL, title text,
  created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
  message_count integer NOT NULL DEFAULT 0, is_active boolean NOT NULL DEFAULT true, metadata jsonb);
CREATE TABLE messages (
  id bigserial PRIMARY KEY, session_id text NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('user', 'assistant', 'system')), content text NOT NULL,
  "timestamp" timestamptz NOT NULL DEFAULT now(), metadata jsonb);
CREATE INDEX idx_messages_session_id ON messages(session_id);
INSERT INTO sessions SELECT format('s-%s', g), format('u-%s', g % 37), format('상담 %s', g), now() - g * interval '1 minute',
  now() - g * interval '30 seconds', 10, g % 5 <> 0, jsonb_build_object('n', g) FROM generate_series(1, 400) g;
INSERT INTO messages (session_id, role, content, "timestamp") SELECT format('s-%s', 1 + (g % 400)), (ARRAY['user', 'assistant'])[1 + g % 2],
  format(E'계약서 검토 %s\\n줄바꿈 "인용" \\\\ 백슬래시', g), now() - g * interval '1 second' FROM generate_series(1, 4000) g;
`;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe.skipIf(!docker.ready)('backup and restore on a real Docker engine', () => {
  if (!docker.ready) return;
  const runtime = docker.runtime;
  let stack: Awaited<ReturnType<typeof e2eStack>>;
  let env: Record<string, string>;
  let backupDir: string;
  let postgresId: string;

  const cli = (...args: string[]) => stack.cliWith(env, ...args);
  const psql = async (sql: string, database = 'lawfirm') => {
    const result = await runtime.exec(postgresId, ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-U', 'lawfirm', '-d', database, '-f', '-'], {
      stdin: Readable.from([Buffer.from(sql)]),
    });
    if (result.exitCode !== 0) throw new Error(`psql failed: ${result.stderr}`);
    return result.stdout.trim();
  };
  const counts = async () => {
    const [sessions, messages] = (await psql('SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM messages);')).split('|').map(Number);
    return { sessions, messages };
  };
  /** The live database's identity: it changes only when another database is swapped in. */
  const liveOid = () => psql("SELECT oid FROM pg_database WHERE datname = 'lawfirm';", 'postgres');
  const databases = async () => (await psql('SELECT datname FROM pg_database ORDER BY 1;', 'postgres')).split('\n');
  const health = async () => (await (await fetch(`${stack.apiUrl}/health`)).json()) as { backend: string; sessions: number };
  const archives = (dir = backupDir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.endsWith('.dump'))
          .sort()
      : [];
  const make = (file: string) =>
    execa('make', ['--no-print-directory', 'restore', `FILE=${file}`], {
      cwd: repoRoot,
      env: { ...stack.env, ...env, DBOPS_PROJECT_DIR: stack.projectDir },
      extendEnv: true,
      reject: false,
      stdin: 'ignore',
    });

  beforeAll(async () => {
    stack = await e2eStack(docker.images);
    backupDir = path.join(stack.dir.path, 'backups');
    env = { BACKUP_DIR: backupDir, DATABASE_URL: 'postgresql://lawfirm@postgres:5432/lawfirm' };
    const sample = await stack.cli('sample', '--out', stack.env.SQLITE_PATH, '--sessions', '20', '--messages-per-session', '2');
    expect(sample.exitCode).toBe(0);
    // First up on SQLite (the api needs its tables to be healthy), then fill PostgreSQL and move the api onto it.
    const up = await stack.cli('up', '--env', 'development');
    expect(up.stderr).toBe('');
    postgresId = (await runtime.findServiceContainer(stack.project, 'postgres'))!.id;
    await psql(seedSql);
    const onPostgres = await cli('up', '--env', 'development');
    expect(onPostgres.stdout).toContain('backend postgresql, 400 sessions');
  });

  afterAll(async () => {
    const left = await stack.destroy(runtime);
    expect(left).toEqual({ containers: [], networks: [], volumes: [] });
  });

  let firstBackup: string;
  let manifest: {
    sha256: string;
    sizeBytes: number;
    serverVersion: string;
    pgDumpVersion: string;
    tables: { name: string; rows: number }[];
    verification: { method: string };
  };

  it('writes a verified archive (0600, no partial left) with a manifest of sha256, versions and row counts', async () => {
    const backup = await cli('backup', '--env', 'development', '--verify', 'restore');
    expect(backup.stderr).toBe('');
    expect(backup.exitCode).toBe(0);
    const [name] = archives();
    expect(name).toMatch(/^lawfirm-\d{8}T\d{6}\.\d{3}Z\.dump$/);
    firstBackup = path.join(backupDir, name!);
    expect(backup.stdout).toContain(`backup: ${firstBackup}`);
    expect(statSync(firstBackup).mode & 0o777).toBe(0o600);
    expect(readdirSync(backupDir).filter((file) => file.endsWith('.partial'))).toEqual([]);
    const manifestFile = firstBackup.replace(/\.dump$/, '.manifest.json');
    expect(statSync(manifestFile).mode & 0o777).toBe(0o600);
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    expect(manifest.sha256).toBe(sha256(firstBackup));
    expect(manifest.sizeBytes).toBe(statSync(firstBackup).size);
    expect(manifest.serverVersion).toMatch(/^\d+\.\d+/);
    expect(manifest.pgDumpVersion).toMatch(/^pg_dump \(PostgreSQL\) \d+/);
    expect(manifest.verification.method).toBe('restore');
    expect(manifest.tables.map((table) => [table.name, table.rows])).toEqual([
      ['messages', 4000],
      ['sessions', 400],
    ]);
    expect((await databases()).filter((name) => name.startsWith('dbops_'))).toEqual([]);
  }, 60_000);

  it('restores after rows were deleted: every table back to the manifest counts, and the api serves them', async () => {
    await psql("DELETE FROM sessions WHERE id IN ('s-1', 's-2', 's-3');");
    expect(await counts()).toEqual({ sessions: 397, messages: 3970 });
    const before = await liveOid();
    const restore = await cli('restore', '--env', 'development', firstBackup);
    expect(restore.stderr).toBe('');
    expect(restore.exitCode).toBe(0);
    expect(await counts()).toEqual({ sessions: 400, messages: 4000 });
    expect(await health()).toEqual({ status: 'ok', backend: 'postgresql', sessions: 400 });
    expect(await liveOid()).not.toBe(before);
    expect((await databases()).filter((name) => name.startsWith('dbops_'))).toEqual([]);
    // The safety backup holds the state the restore replaced.
    const safety = archives().find((name) => name.includes('-pre-restore'));
    expect(safety).toBeDefined();
    const safetyManifest = JSON.parse(readFileSync(path.join(backupDir, safety!.replace(/\.dump$/, '.manifest.json')), 'utf8'));
    expect(safetyManifest.tables.map((table: { rows: number }) => table.rows)).toEqual([3970, 397]);
  }, 120_000);

  it('restores a database that is gone: no safety backup to take, the api serves the archive again', async () => {
    await psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'lawfirm'; DROP DATABASE lawfirm;", 'postgres');
    expect(await databases()).not.toContain('lawfirm');
    // Progress goes to stderr; nothing else may (no warning, no error).
    const restore = await stack.cliWithProgress(env, 'restore', '--env', 'development', firstBackup);
    expect(restore.stderr).not.toMatch(/^(dbops: |warning)/m);
    expect(restore.stderr).toMatch(/No safety backup: database lawfirm does not exist/);
    expect(restore.stderr).toMatch(/Swapped in \(there was no previous database\)/);
    expect(restore.exitCode).toBe(0);
    expect(await counts()).toEqual({ sessions: 400, messages: 4000 });
    expect(await health()).toEqual({ status: 'ok', backend: 'postgresql', sessions: 400 });
    expect((await databases()).filter((name) => name.startsWith('dbops_'))).toEqual([]);
  }, 120_000);

  it('restores into a database with the collation provider of the one it replaces (ICU)', async () => {
    await psql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'lawfirm'; DROP DATABASE lawfirm;\n" +
        "CREATE DATABASE lawfirm TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'ko-KR' LOCALE 'C.UTF-8';",
      'postgres',
    );
    const restore = await cli('restore', '--env', 'development', firstBackup);
    expect(restore.stderr).toBe('');
    expect(restore.exitCode).toBe(0);
    expect(await psql("SELECT datlocprovider, daticulocale, datcollate FROM pg_database WHERE datname = 'lawfirm';", 'postgres')).toBe('i|ko-KR|C.UTF-8');
    expect(await counts()).toEqual({ sessions: 400, messages: 4000 });
    expect((await health()).sessions).toBe(400);
  }, 120_000);

  it("carries the replaced database's settings, comment, owner, connection limit and privileges over", async () => {
    await psql(
      `ALTER DATABASE lawfirm SET work_mem TO '7MB';
       ALTER DATABASE lawfirm SET search_path TO "$user", public, extra;
       COMMENT ON DATABASE lawfirm IS 'the assistant''s data';
       ALTER DATABASE lawfirm CONNECTION LIMIT 50;
       CREATE ROLE reader LOGIN;
       REVOKE ALL ON DATABASE lawfirm FROM PUBLIC;
       GRANT CONNECT ON DATABASE lawfirm TO reader;
       ALTER ROLE reader IN DATABASE lawfirm SET statement_timeout TO '5s';`,
      'postgres',
    );
    const properties = () =>
      psql(
        `SELECT array_to_string(ARRAY(SELECT coalesce(pg_get_userbyid(nullif(s.setrole, 0)), '*') || ': ' || array_to_string(s.setconfig, '; ')
           FROM pg_db_role_setting s WHERE s.setdatabase = d.oid ORDER BY 1), ' | ')
           || ' / ' || shobj_description(d.oid, 'pg_database') || ' / ' || pg_get_userbyid(d.datdba) || ' / ' || d.datconnlimit || ' / ' || d.datacl::text
         FROM pg_database d WHERE d.datname = 'lawfirm';`,
        'postgres',
      );
    const before = await properties();
    expect(before).toBe(
      '*: work_mem=7MB; search_path="$user", public, extra | reader: statement_timeout=5s / the assistant\'s data / ' +
        'lawfirm / 50 / {lawfirm=CTc/lawfirm,reader=c/lawfirm}',
    );
    const oid = await liveOid();
    const restore = await cli('restore', '--env', 'development', firstBackup);
    expect(restore.stderr).toBe('');
    expect(restore.exitCode).toBe(0);
    expect(await liveOid()).not.toBe(oid);
    expect(await properties()).toBe(before);
    expect(await counts()).toEqual({ sessions: 400, messages: 4000 });
  }, 120_000);

  describe('refuses bad inputs with a clear error and leaves the database as it was', { timeout: 60_000 }, () => {
    let bad: string;
    beforeAll(() => {
      bad = path.join(stack.dir.path, 'bad inputs');
      mkdirSync(bad);
    });

    const refuses = async (file: string, message: RegExp, exitCode = 7) => {
      const before = { oid: await liveOid(), counts: await counts(), archives: archives() };
      const restore = await cli('restore', '--env', 'development', file);
      expect(restore.stderr).toMatch(message);
      expect(restore.stderr).toContain('Nothing was changed.');
      expect(restore.exitCode).toBe(exitCode);
      expect({ oid: await liveOid(), counts: await counts(), archives: archives() }).toEqual(before);
      expect((await health()).sessions).toBe(400);
    };

    it('a missing file', async () => {
      await refuses(path.join(bad, 'nope.dump'), /nope\.dump" cannot be restored: the file does not exist/);
    });

    it('a text file', async () => {
      const file = path.join(bad, 'notes.dump');
      writeFileSync(file, 'these are not the rows you are looking for\n');
      await refuses(file, /is not a pg_dump custom-format archive: it does not start with the PGDMP signature/);
    });

    it('a truncated archive', async () => {
      const file = path.join(bad, 'truncated.dump');
      copyFileSync(firstBackup, file);
      truncateSync(file, Math.floor(statSync(file).size * 0.7));
      await refuses(file, /cannot be read in full \(truncated or damaged\)/);
    });

    it('an archive whose bytes no longer match its manifest', async () => {
      const file = path.join(bad, 'tampered.dump');
      copyFileSync(firstBackup, file);
      copyFileSync(firstBackup.replace(/\.dump$/, '.manifest.json'), path.join(bad, 'tampered.manifest.json'));
      const bytes = readFileSync(file);
      bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
      writeFileSync(file, bytes);
      await refuses(file, /its SHA-256 [0-9a-f]{64} \(\d+ bytes\) does not match its manifest's/);
    });

    it('an archive of another database', async () => {
      await psql('CREATE DATABASE other_app;', 'postgres');
      await psql('CREATE TABLE t (id int); INSERT INTO t VALUES (1);', 'other_app');
      const file = path.join(bad, 'other.dump');
      const out = createWriteStream(file);
      const dump = await runtime.exec(postgresId, ['pg_dump', '-Fc', '-U', 'lawfirm', '-d', 'other_app'], { stdout: out });
      out.end();
      await finished(out);
      expect(dump.exitCode).toBe(0);
      await psql('DROP DATABASE other_app;', 'postgres');
      await refuses(file, /it is an archive of database "other_app", not of "lawfirm"/);
    });

    it('a FILE with spaces, quotes and shell metacharacters that does not exist, given through make', async () => {
      const file = path.join(bad, `it's a "missing" $(touch PWNED) \`touch PWNED\`; & x.dump`);
      const before = await liveOid();
      const restore = await make(file);
      expect(restore.stderr).toContain(`${JSON.stringify(file)} cannot be restored: the file does not exist`);
      expect(restore.exitCode).not.toBe(0);
      expect(await liveOid()).toBe(before);
      expect(existsSync(path.join(repoRoot, 'PWNED')) || existsSync(path.join(bad, 'PWNED'))).toBe(false);
    });
  });

  it('restores a FILE with spaces, quotes and metacharacters through make while another session holds locks, without hanging', async () => {
    const dir = path.join(stack.dir.path, `odd "dir" & $HOME`);
    mkdirSync(dir);
    const file = path.join(dir, `it's a "backup" $(touch PWNED); x.dump`);
    copyFileSync(firstBackup, file);
    copyFileSync(firstBackup.replace(/\.dump$/, '.manifest.json'), file.replace(/\.dump$/, '.manifest.json'));
    await psql("DELETE FROM messages WHERE session_id = 's-10';");
    // A client that never lets go: an open transaction holding an exclusive lock on a table pg_dump must read.
    const holder = runtime.exec(postgresId, [
      'psql',
      '-X',
      '-U',
      'lawfirm',
      '-d',
      'lawfirm',
      '-c',
      'BEGIN; LOCK TABLE messages IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600);',
    ]);
    for (
      let tries = 0;
      tries < 50 &&
      !(await psql("SELECT 1 FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND granted AND relation = 'messages'::regclass;", 'postgres').catch(() => ''));
      tries += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const started = Date.now();
    const restore = await make(file);
    // make runs dbops without --quiet: its progress is on stderr, and nothing else may be.
    expect(restore.stderr).not.toMatch(/^(dbops:|warning|error)/im);
    expect(restore.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect((await holder).exitCode).not.toBe(0); // its session was ended
    expect(await counts()).toEqual({ sessions: 400, messages: 4000 });
    expect((await health()).sessions).toBe(400);
    expect(readdirSync(dir).filter((name) => name.includes('PWNED') && !name.startsWith('it'))).toEqual([]);
    expect(existsSync(path.join(repoRoot, 'PWNED'))).toBe(false);
  }, 120_000);

  it('retention: with N+3 backups the oldest 3 go only after a new one verified; a failed backup removes nothing and leaves no partial', async () => {
    const dir = path.join(stack.dir.path, 'retention');
    const withDir = { ...env, BACKUP_DIR: dir };
    const backup = (...args: string[]) => stack.cliWith(withDir, 'backup', '--env', 'development', ...args);
    // N = 1: three backups now, and the next successful one makes N + 3.
    for (let index = 0; index < 3; index += 1) expect((await backup('--no-retention')).exitCode).toBe(0);
    const three = archives(dir);
    expect(three).toHaveLength(3);

    // A backup that fails half-way: the server ends pg_dump's session while it copies a large table.
    await psql('CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS filler FROM generate_series(1, 800000) g;');
    const failing = backup('--keep-last', '1');
    let killed = '';
    for (let tries = 0; tries < 300 && killed !== 't'; tries += 1) {
      killed = await psql("SELECT coalesce(bool_or(pg_terminate_backend(pid)), false) FROM pg_stat_activity WHERE application_name = 'pg_dump';", 'postgres');
      if (killed !== 't') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const failed = await failing;
    expect(killed).toBe('t');
    expect(failed.exitCode).toBe(6);
    expect(failed.stderr).toMatch(/pg_dump failed/);
    expect(archives(dir)).toEqual(three);
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial') || name.endsWith('.lock'))).toEqual([]);
    await psql('DROP TABLE big;');

    const kept = await backup('--keep-last', '1');
    expect(kept.exitCode).toBe(0);
    const after = archives(dir);
    expect(after).toHaveLength(1);
    expect(three).not.toContain(after[0]);
    expect(kept.stdout.match(/deleted by retention/g)).toHaveLength(3);
    for (const name of three) expect(existsSync(path.join(dir, name.replace(/\.dump$/, '.manifest.json')))).toBe(false);
  }, 150_000);
});
