import { createReadStream } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { InputError } from '../errors/input-error.ts';
import { formatBytes } from '../common/format-bytes.ts';
import { CommandFailedError } from '../errors/command-failed-error.ts';
import { lastLines } from '../errors/last-lines.ts';
import type { ArchiveHeader } from './archive-header.ts';
import { lineSink, readArchiveHeader, readArchiveInFull } from './archive-reading.ts';
import { VerificationError } from '../errors/verification-error.ts';
import type { BackupManifest } from './backup-manifest.ts';
import { backupFileName } from './backup-naming.ts';
import type { BackupStore, PartialArchive } from './backup-store.ts';
import type { ContainerPostgres } from '../stack/container-postgres.ts';
import { displayName } from '../postgres/sql-identifier.ts';
import { compareTableRows, type TableRows } from '../stack/table-row-counts.ts';

export interface BackupRunDeps {
  readonly pg: ContainerPostgres;
  readonly store: BackupStore;
  readonly dbopsVersion: string;
  readonly environment: string;
  readonly composeProject: string;
  readonly now?: () => Date;
}

export interface BackupRunOptions {
  /** 'read': pg_restore reads every byte; 'restore': also restored into a scratch database and counted. */
  readonly verify: 'read' | 'restore';
  readonly keep: boolean;
  readonly reason: BackupManifest['reason'];
}

export interface BackupOutcome {
  readonly archive: string;
  readonly manifestPath: string;
  readonly manifest: BackupManifest;
  readonly dumpMs: number;
  readonly verifyMs: number;
  /** Things worth saying that did not make the backup fail (rows written during the dump). */
  readonly warnings: readonly string[];
}

export type Progress = (text: string) => void;

/**
 * One backup, step by step: dump into `<name>.partial`, read it back in full, optionally restore
 * it into a scratch database, then give it its final name and manifest. Until commit, abort()
 * leaves nothing behind: a failed backup never looks like a backup.
 */
export class BackupRun {
  private readonly now: () => Date;
  private partial: PartialArchive | undefined;
  private startedAt: Date | undefined;
  private versions: { server: string; pgDump: string } | undefined;
  private dumped: { bytes: number; sha256: string; durationMs: number } | undefined;
  private header: ArchiveHeader | undefined;
  private archiveTables: readonly TableRows[] | undefined;
  private liveTables: readonly TableRows[] = [];
  private verifyMs = 0;
  private committed: string | undefined;
  /** Things worth saying that did not make the backup fail (rows written during the dump). */
  readonly warnings: string[] = [];

  constructor(
    private readonly deps: BackupRunDeps,
    private readonly options: BackupRunOptions,
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  get database(): string {
    return this.deps.pg.target.database;
  }

  async prepare(): Promise<{ serverVersion: string; pgDumpVersion: string }> {
    const { pg } = this.deps;
    if (!(await pg.databaseExists(this.database))) {
      throw new CommandFailedError(
        'Backup',
        `database ${this.database}`,
        null,
        '',
        `The database ${this.database} does not exist in ${pg.target.containerName}; there is nothing to back up.`,
      );
    }
    const [server, pgDump] = [await pg.serverVersion(), await pg.toolVersion('pg_dump')];
    this.versions = { server: server.text, pgDump };
    await this.deps.store.prepare();
    // The caller holds the directory's lock, so any partial file is from a run that was killed.
    await this.deps.store.removeStalePartials(this.database);
    return { serverVersion: server.text, pgDumpVersion: pgDump };
  }

  async dump(progress: Progress): Promise<{ file: string; bytes: number; tables: number; durationMs: number }> {
    this.startedAt = this.now();
    const started = Date.now();
    const label = this.options.reason === 'manual' ? undefined : this.options.reason;
    let tables = 0;
    const partial = await this.deps.store.createPartial(backupFileName(this.database, this.startedAt, label), (bytes) =>
      progress(`${formatBytes(bytes)} written, ${tables} tables dumped`),
    );
    this.partial = partial;
    const verbose = lineSink((line) => {
      if (/dumping contents of table/.test(line)) tables += 1;
    });
    // Listening from the start: a write error (a full disk) must not go unhandled.
    const written = finished(partial.sink);
    written.catch(() => undefined);
    let result;
    try {
      try {
        result = await this.deps.pg.dump(partial.sink, verbose);
      } finally {
        partial.sink.end();
      }
      await written;
    } catch (error) {
      throw archiveWriteError(error, partial.partialPath, partial.sink.bytes) ?? error;
    }
    // Every byte is in the file now, readable by the verification; the fsync runs beside it and
    // commit waits for it before the archive gets its final name.
    partial.close().catch(() => undefined);
    if (result.exitCode !== 0) {
      throw new CommandFailedError(
        'pg_dump',
        `docker exec ${this.deps.pg.target.containerName} pg_dump --format=custom -d ${this.database}`,
        result.exitCode,
        result.stderr,
        'No backup was made and the partial file was deleted. Check the PostgreSQL log and the free space in the backup directory.',
      );
    }
    this.dumped = { bytes: partial.sink.bytes, sha256: partial.sink.digest(), durationMs: Date.now() - started };
    return { file: partial.partialPath, bytes: partial.sink.bytes, tables, durationMs: this.dumped.durationMs };
  }

  /** Reads the whole archive back from disk inside the container and counts every table's rows. */
  async verifyRead(progress: Progress): Promise<{ tables: readonly TableRows[]; durationMs: number }> {
    const partial = this.requirePartial();
    const dumped = this.dumped!;
    const header = await readArchiveHeader(partial.partialPath);
    if (!header.ok) throw new VerificationError(`The new archive is not a valid custom-format archive: ${header.problem}.`);
    if (header.header.database !== this.database) {
      throw new VerificationError(`The new archive names database ${header.header.database ?? '(none)'} instead of ${this.database}.`);
    }
    this.header = header.header;
    const read = await readArchiveInFull(this.deps.pg, partial.partialPath, header.header, (bytes, tables) =>
      progress(`read back ${formatBytes(bytes)} of ${formatBytes(dumped.bytes)}, ${tables} tables`),
    );
    if (read.problems.length > 0) throw new VerificationError(`The new archive could not be read back in full.`, read.problems);
    if (read.sha256 !== dumped.sha256) {
      throw new VerificationError(`The archive on disk differs from what pg_dump sent (SHA-256 ${read.sha256} instead of ${dumped.sha256}). Check the disk.`);
    }
    this.archiveTables = read.tables;
    this.liveTables = await this.deps.pg.tableRowCounts(this.database);
    const archived = new Map(read.tables.map((table) => [`${table.schema}\u0000${table.name}`, table.rows]));
    const lost = this.liveTables.filter((table) => table.rows > 0 && !archived.get(`${table.schema}\u0000${table.name}`));
    if (lost.length > 0) {
      throw new VerificationError(
        `The new archive holds no rows for tables that have rows in ${this.database}.`,
        lost.map((table) => `${displayName(table)}: ${table.rows} rows in the database, none in the archive`),
      );
    }
    const drift = compareTableRows(read.tables, this.liveTables, { expected: 'archived', actual: 'live now' }).differences;
    if (drift.length > 0) this.warnings.push(`Rows changed while the backup ran (the archive is a consistent snapshot of its start): ${drift.join('; ')}`);
    this.verifyMs += read.durationMs;
    return { tables: read.tables, durationMs: read.durationMs };
  }

  /** Restores the archive into a scratch database, compares every table's rows, and drops it again. */
  async verifyRestore(progress: Progress): Promise<{ durationMs: number }> {
    const partial = this.requirePartial();
    const expected = this.archiveTables;
    if (!expected) throw new Error('verifyRestore needs verifyRead first');
    const started = Date.now();
    const scratch = scratchName('dbops_verify', this.now());
    const { pg } = this.deps;
    await pg.createDatabaseLike(scratch, this.database);
    try {
      const result = await pg.restoreInto(
        scratch,
        createReadStream(partial.partialPath),
        lineSink((line) => progress(line.replace(/^pg_restore: /, ''))),
      );
      if (result.exitCode !== 0) {
        throw new VerificationError(
          `The new archive could not be restored into the scratch database ${scratch}. pg_restore said:\n${lastLines(result.stderr, 8)}`,
        );
      }
      const restored = await pg.tableRowCounts(scratch);
      const differences = compareTableRows(expected, restored, { expected: 'archived', actual: 'restored' }).differences;
      if (differences.length > 0) throw new VerificationError(`The scratch restore of the new archive does not hold what the archive does.`, differences);
    } finally {
      await pg.dropDatabase(scratch);
    }
    const durationMs = Date.now() - started;
    this.verifyMs += durationMs;
    return { durationMs };
  }

  /** Gives the verified archive its final name and writes the manifest. */
  async commit(): Promise<BackupOutcome> {
    const partial = this.requirePartial();
    if (!this.archiveTables || !this.header || !this.dumped || !this.startedAt || !this.versions) throw new Error('commit needs dump and verifyRead first');
    const endedAt = this.now();
    const manifest: BackupManifest = {
      kind: 'dbops-backup',
      manifestVersion: 1,
      dbopsVersion: this.deps.dbopsVersion,
      file: partial.finalPath.split('/').pop() ?? partial.finalPath,
      environment: this.deps.environment,
      composeProject: this.deps.composeProject,
      database: this.database,
      serverVersion: this.versions.server,
      pgDumpVersion: this.versions.pgDump,
      archiveFormat: this.header.version,
      compression: this.header.compression,
      sizeBytes: this.dumped.bytes,
      sha256: this.dumped.sha256,
      startedAt: this.startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      tables: [...this.archiveTables],
      liveTables: [...this.liveTables],
      verification: { method: this.options.verify, at: endedAt.toISOString(), durationMs: this.verifyMs },
      reason: this.options.reason,
      keep: this.options.keep,
    };
    const written = await this.deps.store.commit(partial, manifest);
    this.partial = undefined;
    this.committed = written.archive;
    return {
      archive: written.archive,
      manifestPath: written.manifest,
      manifest,
      dumpMs: this.dumped.durationMs,
      verifyMs: this.verifyMs,
      warnings: [...this.warnings],
    };
  }

  /** Deletes the partial archive, if any: called whenever a step failed. */
  async abort(): Promise<void> {
    if (this.partial) await this.deps.store.discard(this.partial);
    this.partial = undefined;
  }

  /** After a failure at any step: abort() before commit; a committed backup stays (only retention can fail after it). */
  async recover(): Promise<string> {
    if (this.committed) return `The backup ${this.committed} was kept and verified; retention was not applied.`;
    await this.abort();
    return noBackup;
  }

  private requirePartial(): PartialArchive {
    if (!this.partial) throw new Error('no archive is being written');
    return this.partial;
  }
}

/** All steps in order, aborting on failure: for the safety backup of a restore. */
export async function takeBackup(run: BackupRun, progress: Progress, verify: BackupRunOptions['verify']): Promise<BackupOutcome> {
  try {
    await run.prepare();
    await run.dump(progress);
    await run.verifyRead(progress);
    if (verify === 'restore') await run.verifyRestore(progress);
    return await run.commit();
  } catch (error) {
    await run.abort();
    throw error;
  }
}

/** What recover() says of a backup that failed before commit; the failures themselves leave it out, so it is said once. */
const noBackup = 'The backup was not kept: no file was left behind.';

/** A database name unique to this moment, e.g. dbops_verify_20261126101502123. */
export function scratchName(prefix: string, at: Date): string {
  return `${prefix}_${at.toISOString().replace(/\D/g, '').slice(0, 17)}`;
}

/** Errno codes that mean the backup directory cannot take the archive. */
const unwritable: Readonly<Record<string, string>> = {
  ENOSPC: 'is full',
  EDQUOT: 'is over its disk quota',
  EROFS: 'is on a read-only file system',
  EIO: 'had an I/O error',
  EFBIG: 'cannot hold a file this large',
};

/** A write error on the archive as a message naming the directory and what to do, or undefined for any other error. */
export function archiveWriteError(error: unknown, partialPath: string, bytes: number): InputError | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const problem = unwritable[code];
  if (!problem) return undefined;
  const directory = path.dirname(partialPath);
  return new InputError(
    `The backup directory ${directory} (BACKUP_DIR) ${problem} (${code}): writing ${path.basename(partialPath)} stopped after ${formatBytes(bytes)}. ` +
      'No backup was made and the partial file was deleted. Free space there, or set BACKUP_DIR to a larger disk, then run again.',
    error,
  );
}
