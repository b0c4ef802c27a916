import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ApiControl } from '../stack/api-control.ts';
import type { ApiHealth } from '../stack/api-health.ts';
import { formatBytes } from '../common/format-bytes.ts';
import { CommandFailedError } from '../errors/command-failed-error.ts';
import { InputError } from '../errors/input-error.ts';
import { newestReadableArchive, type ArchiveHeader } from './archive-header.ts';
import { lineSink, readArchiveHeader, readArchiveInFull } from './archive-reading.ts';
import { VerificationError } from '../errors/verification-error.ts';
import type { BackupManifest } from './backup-manifest.ts';
import { scratchName, type BackupOutcome, type Progress } from './backup-run.ts';
import { readManifest } from './backup-store.ts';
import { sha256File } from './digesting-stream.ts';
import type { ContainerPostgres } from '../stack/container-postgres.ts';
import { compareTableRows, type TableRows } from '../stack/table-row-counts.ts';

export type { ApiControl } from '../stack/api-control.ts';

/** The part of ContainerPostgres a restore uses. */
export type RestorePostgres = Pick<
  ContainerPostgres,
  | 'target'
  | 'serverVersion'
  | 'databaseExists'
  | 'terminateConnections'
  | 'createDatabaseLike'
  | 'restoreInto'
  | 'tableRowCounts'
  | 'copyDatabaseProperties'
  | 'swapDatabases'
  | 'analyze'
  | 'dropDatabase'
  | 'readArchive'
>;

export interface RestoreRunDeps {
  readonly pg: RestorePostgres;
  readonly api: ApiControl;
  /** Takes a verified backup of the current database (under the lock the restore already holds). */
  readonly safetyBackup: (progress: Progress) => Promise<BackupOutcome>;
  readonly now?: () => Date;
}

export interface RestoreRunOptions {
  /** Absolute path of the archive, taken as one argument: never passed through a shell. */
  readonly file: string;
  readonly allowOtherDatabase: boolean;
  readonly keepOldDatabase: boolean;
}

export interface CheckedFile {
  readonly header: ArchiveHeader;
  readonly manifest: BackupManifest | undefined;
  readonly sizeBytes: number;
  readonly sha256: string;
}

export interface ArchiveCheck extends CheckedFile {
  /** Rows per table counted in the archive's data: what the restored database must hold. */
  readonly tables: readonly TableRows[];
}

/**
 * Step 1a, read-only and on this machine alone (no Docker needed, so a wrong path fails fast): the
 * file exists, is a pg_dump custom-format archive of `database`, and matches its manifest if it has one.
 */
export async function checkArchiveFile(file: string, database: string, options: { allowOtherDatabase: boolean }): Promise<CheckedFile> {
  const unusable = (problem: string) => new InputError(`${JSON.stringify(file)} cannot be restored: ${problem}. Nothing was changed.`);
  const info = await stat(file).catch(() => undefined);
  if (!info) throw unusable('the file does not exist (check the path; relative paths start from the directory dbops runs in)');
  if (!info.isFile()) throw unusable('it is not a regular file');
  const header = await readArchiveHeader(file);
  if (!header.ok) throw unusable(`it is not a pg_dump custom-format archive: ${header.problem}`);
  if (header.header.database !== database && !options.allowOtherDatabase) {
    throw unusable(
      `it is an archive of database "${header.header.database ?? '(unnamed)'}", not of "${database}". ` +
        `Pass --allow-other-database to restore it into ${database} anyway`,
    );
  }
  const manifestRead = await readManifest(file);
  if (manifestRead.problem) throw unusable(`its manifest ${manifestRead.path} is unusable: ${manifestRead.problem}`);
  const manifest = manifestRead.manifest;
  const sha256 = await sha256File(file);
  if (manifest && (manifest.sha256 !== sha256 || manifest.sizeBytes !== info.size)) {
    throw unusable(
      `its SHA-256 ${sha256} (${info.size} bytes) does not match its manifest's ${manifest.sha256} (${manifest.sizeBytes} bytes): ` +
        `the file was changed or damaged after the backup`,
    );
  }
  if (manifest && manifest.database !== header.header.database)
    throw unusable(`its manifest is for database ${manifest.database}, the archive for ${header.header.database ?? '?'}`);
  return { header: header.header, manifest, sizeBytes: info.size, sha256 };
}

/**
 * A restore that cannot leave less than there was: everything about the archive is checked before
 * anything changes; a safety backup is taken; the archive goes into a fresh database that is
 * checked before it replaces the live one by renaming (the old one kept until the api is healthy
 * on the new one); and recover() puts the previous database back and restarts the api after a
 * failure at any step.
 */
export class RestoreRun {
  private readonly now: () => Date;
  private checked: ArchiveCheck | undefined;
  private apiWasRunning = false;
  private apiStopped = false;
  private fresh: string | undefined;
  private retired: string | undefined;
  private swapped = false;
  /**
   * Whether the database existed when the api was stopped (a restore may be what replaces a lost one);
   * set by stopApi, step 3, which every later step follows.
   */
  private hadDatabase = true;
  private committed = false;
  readonly warnings: string[] = [];

  constructor(
    private readonly deps: RestoreRunDeps,
    private readonly options: RestoreRunOptions,
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  get database(): string {
    return this.deps.pg.target.database;
  }

  /** Step 1b, read-only: this server can read the archive, and pg_restore reads all of it. */
  async checkArchive(file: CheckedFile, progress: Progress): Promise<ArchiveCheck> {
    const unusable = (problem: string) => new InputError(`${JSON.stringify(this.options.file)} cannot be restored: ${problem}. Nothing was changed.`);
    const { header, manifest } = file;
    const server = await this.deps.pg.serverVersion();
    const newest = newestReadableArchive(server.major);
    if (newest !== undefined && header.versionNumber > newest) {
      throw unusable(
        `its format ${header.version} (pg_dump ${header.pgDumpVersion ?? '?'}) is newer than PostgreSQL ${server.text} can read; ` +
          `restore it into a server at least as new as the one it came from`,
      );
    }
    const read = await readArchiveInFull(this.deps.pg, this.options.file, header, (bytes, tables) =>
      progress(`read ${formatBytes(bytes)} of ${formatBytes(file.sizeBytes)}${tables > 0 ? `, ${tables} tables` : ''}`),
    );
    if (read.problems.length > 0) throw unusable(`it cannot be read in full (truncated or damaged):\n  ${read.problems.join('\n  ')}\n`);
    if (read.sha256 !== file.sha256) throw unusable('it changed while it was being checked');
    if (manifest) {
      const differences = compareTableRows(manifest.tables, read.tables, { expected: 'in the manifest', actual: 'in the archive' }).differences;
      if (differences.length > 0) throw unusable(`its data does not match its manifest: ${differences.join('; ')}`);
    }
    this.checked = { ...file, tables: read.tables };
    return this.checked;
  }

  /** Step 3: the api stops and no session is left on the live database. */
  async stopApi(): Promise<{ wasRunning: boolean; terminated: number }> {
    this.apiWasRunning = await this.deps.api.isRunning();
    if (this.apiWasRunning) {
      this.apiStopped = true;
      await this.deps.api.stop();
    }
    this.hadDatabase = await this.deps.pg.databaseExists(this.database);
    const terminated = this.hadDatabase ? await this.deps.pg.terminateConnections(this.database) : 0;
    return { wasRunning: this.apiWasRunning, terminated };
  }

  /** Step 2 (taken once the api is stopped, so it holds every last write): a verified backup of the current database. */
  async safetyBackup(progress: Progress): Promise<BackupOutcome | undefined> {
    if (!this.hadDatabase) return undefined;
    return this.deps.safetyBackup(progress);
  }

  /** Step 4a: the archive goes into a new, empty database; the live one is not touched. */
  async restoreIntoFresh(progress: Progress): Promise<{ database: string; durationMs: number }> {
    const started = Date.now();
    const fresh = scratchName('dbops_restore', this.now());
    await this.deps.pg.createDatabaseLike(fresh, this.database);
    this.fresh = fresh;
    const result = await this.deps.pg.restoreInto(
      fresh,
      createReadStream(this.options.file),
      lineSink((line) => progress(line.replace(/^pg_restore: /, ''))),
    );
    if (result.exitCode !== 0) {
      throw new CommandFailedError(
        'Restoring into a fresh database',
        `docker exec ${this.deps.pg.target.containerName} pg_restore --no-owner --no-privileges --exit-on-error -d ${fresh}`,
        result.exitCode,
        result.stderr,
        'The archive did not restore cleanly.',
      );
    }
    return { database: fresh, durationMs: Date.now() - started };
  }

  /** Step 4b: the fresh database holds exactly the rows the archive holds. */
  async verifyFresh(): Promise<readonly TableRows[]> {
    const fresh = this.requireFresh();
    const restored = await this.deps.pg.tableRowCounts(fresh);
    const expected = this.requireChecked().tables;
    const differences = compareTableRows(expected, restored, { expected: 'in the archive', actual: 'restored' }).differences;
    if (differences.length > 0) throw new VerificationError(`The restored database ${fresh} does not hold what the archive holds.`, differences);
    return restored;
  }

  /**
   * Step 4c: the fresh database gets the live one's settings, comment, owner and privileges (an
   * archive does not hold them), then one transaction renames the live database aside and the
   * fresh one into its place. `retired` is undefined when there was no live database (a restore
   * after it was lost).
   */
  async swap(): Promise<{ retired: string | undefined }> {
    const fresh = this.requireFresh();
    // With the api stopped and the stack locked, nothing else creates or drops the live database.
    if (this.hadDatabase) await this.deps.pg.copyDatabaseProperties(this.database, fresh);
    const retired = this.hadDatabase ? scratchName('dbops_replaced', this.now()) : undefined;
    await this.deps.pg.swapDatabases(this.database, fresh, retired);
    this.retired = retired;
    this.swapped = true;
    return { retired };
  }

  /** Step 5a: the api runs again on the restored database and serves what the archive holds. */
  async startApi(): Promise<ApiHealth | undefined> {
    if (!this.apiWasRunning) return undefined;
    await this.deps.api.start();
    this.apiStopped = false;
    const health = await this.deps.api.waitHealthy();
    const sessions = this.requireChecked().tables.find((table) => table.schema === 'public' && table.name === 'sessions');
    if (health.backend === 'postgresql' && sessions && health.sessions !== sessions.rows) {
      throw new VerificationError(`The api reports ${health.sessions} sessions after the restore, but the archive holds ${sessions.rows}.`);
    }
    return health;
  }

  /** Step 5b: statistics for the planner, and the replaced database dropped (unless asked to keep it). */
  async finish(): Promise<{ analyzed: boolean; kept: string | undefined }> {
    this.committed = true;
    let analyzed = true;
    await this.deps.pg.analyze(this.database).catch((error: unknown) => {
      analyzed = false;
      this.warnings.push(`ANALYZE failed (${error instanceof Error ? error.message : String(error)}); run it by hand.`);
    });
    if (!this.retired || this.options.keepOldDatabase) return { analyzed, kept: this.retired };
    await this.deps.pg.dropDatabase(this.retired).catch((error: unknown) => {
      this.warnings.push(
        `The replaced database ${this.retired} could not be dropped (${error instanceof Error ? error.message : String(error)}); drop it by hand.`,
      );
    });
    return { analyzed, kept: undefined };
  }

  /**
   * After a failure at any step before finish(): puts the previous database back under its name,
   * drops the half-restored one, and starts the api again if it was running. Returns what it did.
   */
  async recover(): Promise<string> {
    if (this.committed) return 'The restore itself had completed; the restored database stays in place.';
    const done: string[] = [];
    const swappedBack = this.swapped && this.fresh !== undefined;
    if (this.swapped && this.fresh) {
      if (this.apiWasRunning && !this.apiStopped) {
        await this.deps.api.stop();
        this.apiStopped = true;
      }
      if (this.retired) {
        await this.deps.pg.swapDatabases(this.database, this.retired, this.fresh);
        done.push(`the previous database is back under the name ${this.database}`);
      } else {
        // There was none before: the restored one goes (the archive still holds its data).
        await this.deps.pg.dropDatabase(this.database);
        this.fresh = undefined;
        done.push(`the restored database was dropped, so ${this.database} is absent as it was before the restore`);
      }
      this.swapped = false;
    }
    if (this.fresh) {
      await this.deps.pg.dropDatabase(this.fresh);
      done.push(`the partly restored database ${this.fresh} was dropped`);
      this.fresh = undefined;
    }
    if (!swappedBack)
      done.push(
        this.hadDatabase ? `${this.database} is the database it was before the restore` : `${this.database} is still absent, as it was before the restore`,
      );
    if (this.apiWasRunning && this.apiStopped) {
      await this.deps.api.start();
      this.apiStopped = false;
      if (!this.hadDatabase) {
        // It had no database before the restore either: healthy it cannot be.
        done.push('the api was started again, still without its database');
      } else {
        await this.deps.api.waitHealthy();
        done.push('the api was started again and is healthy');
      }
    }
    return `${capitalise(done.join('; '))}.`;
  }

  private requireChecked(): ArchiveCheck {
    if (!this.checked) throw new Error('checkArchive must run first');
    return this.checked;
  }

  private requireFresh(): string {
    if (!this.fresh) throw new Error('restoreIntoFresh must run first');
    return this.fresh;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
