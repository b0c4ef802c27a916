import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupManifest } from '../../../src/backup/backup-manifest.ts';
import { backupFileName, isBackupOf, keepMarkerPathFor, manifestPathFor } from '../../../src/backup/backup-naming.ts';
import { BackupStore } from '../../../src/backup/backup-store.ts';
import { tempDir } from '../../support/temp-dir.ts';

const manifest = (file: string, endedAt: string): BackupManifest => ({
  kind: 'dbops-backup',
  manifestVersion: 1,
  dbopsVersion: '0.1.0',
  file,
  environment: 'development',
  composeProject: 'p',
  database: 'lawfirm',
  serverVersion: '15.18',
  pgDumpVersion: 'pg_dump (PostgreSQL) 15.18',
  archiveFormat: '1.14',
  compression: 'gzip',
  sizeBytes: 5,
  sha256: 'a'.repeat(64),
  startedAt: endedAt,
  endedAt,
  tables: [{ schema: 'public', name: 'sessions', rows: 3 }],
  liveTables: [],
  verification: { method: 'read', at: endedAt, durationMs: 1 },
  reason: 'manual',
  keep: false,
});

describe('backup names', () => {
  it('puts the database and the UTC start time to the millisecond in the name', () => {
    const at = new Date('2026-11-26T10:15:02.123Z');
    expect(backupFileName('lawfirm', at)).toBe('lawfirm-20261126T101502.123Z.dump');
    expect(backupFileName('lawfirm', at, 'pre-restore')).toBe('lawfirm-20261126T101502.123Z-pre-restore.dump');
    expect(manifestPathFor('/b/lawfirm-x.dump')).toBe('/b/lawfirm-x.manifest.json');
    expect(manifestPathFor('/b/odd name')).toBe('/b/odd name.manifest.json');
    expect(keepMarkerPathFor('/b/lawfirm-x.dump')).toBe('/b/lawfirm-x.keep');
  });

  it("recognises only this database's backups", () => {
    expect(isBackupOf('lawfirm', 'lawfirm-20261126T101502.123Z.dump')).toBe(true);
    expect(isBackupOf('lawfirm', 'lawfirm-20261126T101502.123Z-pre-restore.dump')).toBe(true);
    expect(isBackupOf('law', 'lawfirm-20261126T101502.123Z.dump')).toBe(false);
    expect(isBackupOf('lawfirm', 'lawfirm-important.dump')).toBe(false);
    expect(isBackupOf('lawfirm', 'lawfirm-20261126T101502.123Z.dump.partial')).toBe(false);
  });
});

describe('BackupStore', () => {
  let dir: { path: string; remove: () => void };
  let store: BackupStore;
  beforeEach(() => {
    dir = tempDir('dbops-store-');
    store = new BackupStore(path.join(dir.path, 'backups'));
  });
  afterEach(() => dir.remove());

  it('writes a partial file readable by the owner only, and commits it with its manifest', async () => {
    const partial = await store.createPartial('lawfirm-20261126T101502.123Z.dump');
    expect(partial.partialPath.endsWith('.dump.partial')).toBe(true);
    partial.sink.write('PGDMP');
    await partial.close();
    expect(readFileSync(partial.partialPath, 'latin1')).toBe('PGDMP');
    expect(statSync(partial.partialPath).mode & 0o777).toBe(0o600);
    expect(statSync(store.directory).mode & 0o777).toBe(0o700);
    await store.commit(partial, manifest('lawfirm-20261126T101502.123Z.dump', '2026-11-26T10:15:03.000Z'));
    expect(readdirSync(store.directory).sort()).toEqual(['lawfirm-20261126T101502.123Z.dump', 'lawfirm-20261126T101502.123Z.manifest.json']);
    expect(statSync(manifestPathFor(partial.finalPath)).mode & 0o777).toBe(0o600);
    const [listed] = await store.list('lawfirm');
    expect(listed?.manifest?.tables).toEqual([{ schema: 'public', name: 'sessions', rows: 3 }]);
  });

  it('never writes over an existing partial file', async () => {
    const first = await store.createPartial('lawfirm-20261126T101502.123Z.dump');
    await expect(store.createPartial('lawfirm-20261126T101502.123Z.dump')).rejects.toThrow(/EEXIST/);
    await store.discard(first);
    expect(existsSync(first.partialPath)).toBe(false);
  });

  it('lists unusable manifests with the reason, keep markers, and removes stale partials of its database only', async () => {
    await store.prepare();
    const name = 'lawfirm-20261126T101502.123Z.dump';
    writeFileSync(path.join(store.directory, name), 'PGDMP');
    writeFileSync(manifestPathFor(path.join(store.directory, name)), '{"kind": "something else"}');
    writeFileSync(keepMarkerPathFor(path.join(store.directory, name)), '');
    writeFileSync(path.join(store.directory, 'lawfirm-20261126T111111.111Z.dump.partial'), 'PG');
    writeFileSync(path.join(store.directory, 'notes.txt.partial'), 'mine');
    const [listed] = await store.list('lawfirm');
    expect(listed).toMatchObject({ manifest: undefined, keepMarker: true, manifestProblem: expect.stringMatching(/^kind /) });
    expect(await store.removeStalePartials('lawfirm')).toEqual(['lawfirm-20261126T111111.111Z.dump.partial']);
    expect(existsSync(path.join(store.directory, 'notes.txt.partial'))).toBe(true);
  });
});
