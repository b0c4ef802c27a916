import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArchiveHeader } from '../../../src/backup/archive-header.ts';
import { VerificationError } from '../../../src/errors/verification-error.ts';
import type { BackupOutcome } from '../../../src/backup/backup-run.ts';
import { RestoreRun, type ApiControl, type CheckedFile, type RestorePostgres } from '../../../src/backup/restore-run.ts';
import type { TableRows } from '../../../src/stack/table-row-counts.ts';
import type { ExecResult } from '../../../src/docker/container-runtime.ts';
import { tempDir } from '../../support/temp-dir.ts';

const archiveRows: TableRows[] = [
  { schema: 'public', name: 'messages', rows: 40 },
  { schema: 'public', name: 'sessions', rows: 4 },
];

const ok: ExecResult = { exitCode: 0, stdout: '', stderr: '' };

/** A PostgreSQL server as a map of databases to their row counts; records every call. */
class FakePostgres implements RestorePostgres {
  readonly target = { containerId: 'c', containerName: 'pg-1', user: 'lawfirm', password: 'x', database: 'lawfirm' };
  readonly databases = new Map<string, TableRows[]>([
    [
      'lawfirm',
      [
        { schema: 'public', name: 'messages', rows: 39 },
        { schema: 'public', name: 'sessions', rows: 3 },
      ],
    ],
  ]);
  readonly calls: string[] = [];
  restoreExit = 0;
  restoredRows = archiveRows;

  async serverVersion() {
    return { text: '15.18', major: 15 };
  }
  async databaseExists(database: string) {
    return this.databases.has(database);
  }
  async terminateConnections(database: string) {
    this.calls.push(`terminate ${database}`);
    return 2;
  }
  async createDatabaseLike(database: string) {
    this.calls.push(`create ${database}`);
    this.databases.set(database, []);
  }
  async restoreInto(database: string, input: Readable): Promise<ExecResult> {
    for await (const _chunk of input);
    this.calls.push(`restore into ${database}`);
    if (this.restoreExit === 0) this.databases.set(database, this.restoredRows);
    return { ...ok, exitCode: this.restoreExit, stderr: this.restoreExit ? 'pg_restore: error: boom' : '' };
  }
  async tableRowCounts(database: string) {
    return this.databases.get(database) ?? [];
  }
  async copyDatabaseProperties(from: string, to: string) {
    this.calls.push(`properties ${from} -> ${to}`);
  }
  async swapDatabases(live: string, replacement: string, retired?: string) {
    this.calls.push(`swap ${replacement} -> ${live} (${live} -> ${retired ?? 'nothing'})`);
    const old = this.databases.get(live);
    if (old && retired) this.databases.set(retired, old);
    this.databases.set(live, this.databases.get(replacement)!);
    this.databases.delete(replacement);
  }
  async analyze(database: string) {
    this.calls.push(`analyze ${database}`);
  }
  async dropDatabase(database: string) {
    this.calls.push(`drop ${database}`);
    this.databases.delete(database);
  }
  async readArchive(input: Readable, out: Writable): Promise<ExecResult> {
    for await (const _chunk of input);
    for (const table of archiveRows) out.write(`COPY ${table.schema}.${table.name} (id) FROM stdin;\n${'row\n'.repeat(table.rows)}\\.\n`);
    return ok;
  }
}

class FakeApi implements ApiControl {
  running = true;
  healthy: (pg: FakePostgres) => boolean = () => true;
  readonly calls: string[] = [];
  constructor(private readonly pg: FakePostgres) {}
  async isRunning() {
    return this.running;
  }
  async stop() {
    this.calls.push('stop');
    this.running = false;
  }
  async start() {
    this.calls.push('start');
    this.running = true;
  }
  async waitHealthy() {
    if (!this.healthy(this.pg)) throw new Error('api not healthy');
    const sessions = this.pg.databases.get('lawfirm')?.find((table) => table.name === 'sessions')?.rows ?? 0;
    return { status: 'ok', backend: 'postgresql' as const, sessions };
  }
}

describe('RestoreRun', () => {
  let dir: { path: string; remove: () => void };
  let file: CheckedFile;
  let pg: FakePostgres;
  let api: FakeApi;
  let run: RestoreRun;
  let clock = 0;

  beforeEach(async () => {
    dir = tempDir('dbops-restore-');
    const archive = path.join(dir.path, 'lawfirm.dump');
    writeFileSync(archive, 'PGDMP stand-in bytes');
    const header = { version: '1.14', versionNumber: 69120, database: 'lawfirm', dataTables: archiveRows } as unknown as ArchiveHeader;
    file = { header, manifest: undefined, sizeBytes: 20, sha256: createHash('sha256').update('PGDMP stand-in bytes').digest('hex') };
    pg = new FakePostgres();
    api = new FakeApi(pg);
    run = new RestoreRun(
      { pg, api, safetyBackup: async () => ({ archive: 'safety.dump' }) as BackupOutcome, now: () => new Date(Date.UTC(2026, 10, 26, 10, 0, clock++)) },
      { file: archive, allowOtherDatabase: false, keepOldDatabase: false },
    );
    await run.checkArchive(file, () => {});
  });
  afterEach(() => dir.remove());

  const liveRows = () => pg.databases.get('lawfirm')?.map((table) => table.rows);
  const applyAll = async () => {
    await run.stopApi();
    await run.safetyBackup(() => {});
    await run.restoreIntoFresh(() => {});
    await run.verifyFresh();
    await run.swap();
    await run.startApi();
    return run.finish();
  };

  it('swaps the restored database in, restarts the api on it, and drops the replaced one', async () => {
    expect(await applyAll()).toEqual({ analyzed: true, kept: undefined });
    expect(liveRows()).toEqual([40, 4]);
    expect([...pg.databases.keys()]).toEqual(['lawfirm']);
    expect(api.calls).toEqual(['stop', 'start']);
    expect(pg.calls).toContain('terminate lawfirm');
    expect(pg.calls.find((call) => call.startsWith('properties'))).toMatch(/^properties lawfirm -> dbops_restore_\d+$/);
  });

  it('keeps the previous database in place when pg_restore fails, drops the half-restored one and restarts the api', async () => {
    pg.restoreExit = 1;
    await expect(applyAll()).rejects.toThrow(/pg_restore: error: boom/);
    expect(await run.recover()).toMatch(
      /partly restored database dbops_restore_\d+ was dropped; lawfirm is the database it was before the restore; the api was started again/,
    );
    expect(liveRows()).toEqual([39, 3]);
    expect([...pg.databases.keys()]).toEqual(['lawfirm']);
    expect(api.calls).toEqual(['stop', 'start']);
  });

  it("keeps the previous database when the restored one does not hold the archive's rows", async () => {
    pg.restoredRows = [{ schema: 'public', name: 'sessions', rows: 4 }];
    await expect(applyAll()).rejects.toBeInstanceOf(VerificationError);
    await run.recover();
    expect(liveRows()).toEqual([39, 3]);
    expect(pg.calls.some((call) => call.startsWith('swap'))).toBe(false);
  });

  it('swaps back when the api is not healthy on the restored database', async () => {
    api.healthy = (fake) => fake.databases.get('lawfirm')?.[0]?.rows === 39;
    await expect(applyAll()).rejects.toThrow(/api not healthy/);
    expect(await run.recover()).toMatch(/^The previous database is back under the name lawfirm/);
    expect(liveRows()).toEqual([39, 3]);
    expect([...pg.databases.keys()]).toEqual(['lawfirm']);
    expect(api.calls).toEqual(['stop', 'start', 'stop', 'start']);
  });

  it('leaves a stopped api stopped', async () => {
    api.running = false;
    pg.restoreExit = 1;
    await expect(applyAll()).rejects.toThrow();
    await run.recover();
    expect(api.calls).toEqual([]);
  });

  it('restores a database that is gone (the disaster it is for): no safety backup, nothing replaced', async () => {
    pg.databases.delete('lawfirm');
    await run.stopApi();
    expect(await run.safetyBackup(() => {})).toBeUndefined();
    await run.restoreIntoFresh(() => {});
    await run.verifyFresh();
    expect(await run.swap()).toEqual({ retired: undefined });
    await run.startApi();
    expect(await run.finish()).toEqual({ analyzed: true, kept: undefined });
    expect(liveRows()).toEqual([40, 4]);
    expect([...pg.databases.keys()]).toEqual(['lawfirm']);
    expect(pg.calls.filter((call) => call.startsWith('drop'))).toEqual([]);
  });

  it('leaves a database that was gone gone again when the api fails on the restored one', async () => {
    pg.databases.delete('lawfirm');
    api.healthy = () => false;
    await expect(applyAll()).rejects.toThrow(/api not healthy/);
    expect(await run.recover()).toMatch(/^The restored database was dropped, so lawfirm is absent as it was before the restore/);
    expect([...pg.databases.keys()]).toEqual([]);
  });

  it('leaves a database that was gone gone when pg_restore fails, and starts the api without waiting for a health it cannot have', async () => {
    pg.databases.delete('lawfirm');
    pg.restoreExit = 1;
    api.healthy = () => false;
    await expect(applyAll()).rejects.toThrow(/pg_restore: error: boom/);
    expect(await run.recover()).toMatch(
      /dropped; lawfirm is still absent, as it was before the restore; the api was started again, still without its database/,
    );
    expect([...pg.databases.keys()]).toEqual([]);
    expect(api.calls).toEqual(['stop', 'start']);
  });
});
