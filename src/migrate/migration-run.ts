import type { Config } from '../config/config.ts';
import { localEnvFile, switchDatabaseUrl, type UrlSwitch } from '../config/database-url-switch.ts';
import { ContainerStateError } from '../errors/container-state-error.ts';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import { SourceChangedError } from '../errors/source-changed-error.ts';
import { TransferError } from '../errors/transfer-error.ts';
import { VerificationError } from '../errors/verification-error.ts';
import { serverFaultOf } from '../postgres/server-fault.ts';
import { describeChanges, SourceGuard } from '../sqlite/source-guard.ts';
import { diagnosePostgres } from '../stack/postgres-diagnosis.ts';
import type { ConnectPostgres, PostgresTarget } from '../postgres/postgres-connection.ts';
import { quoteIdentifier } from '../postgres/quote-identifier.ts';
import type { ApiHealth } from '../stack/api-health.ts';
import type { OnLine, StackControl } from '../stack/stack-control.ts';
import { appPostgresUrl, isPostgresUrl } from './app-database-url.ts';
import type { DataMover, MoveProgress, MoveResult } from './data-mover.ts';
import { MigrationStepError } from './migration-step-error.ts';
import { summariseSource, type SourceSummary } from './source-summary.ts';
import { inspectTarget, type TargetState } from './target-state.ts';

export interface MigrationRunDeps {
  readonly stack: StackControl;
  readonly mover: DataMover;
  readonly connect: ConnectPostgres;
  /** Takes a verified backup of the current target database and returns its file. */
  readonly safetyBackup: () => Promise<string>;
  readonly now?: () => number;
  /** Reads the SQLite file; replaceable so tests need no file. */
  readonly summariseSource?: (sqlitePath: string, named: string) => SourceSummary;
  /** Holds or watches the SQLite file from the api's stop to the end (default SourceGuard.open). */
  readonly openSourceGuard?: (sqlitePath: string, named: string) => SourceWatch;
}

/** The part of SourceGuard a migration uses. */
export type SourceWatch = Pick<SourceGuard, 'writers' | 'journalMode' | 'changes' | 'countRows' | 'close'>;

export interface MigrationOutcome {
  readonly alreadyMigrated: boolean;
  readonly durationMs: number;
  readonly apiDowntimeMs: number | null;
  readonly safetyBackup: string | null;
  readonly tables: MoveResult['tables'];
  /** The transfer engine's full report. */
  readonly transfer: unknown;
  readonly api: ApiHealth | null;
  /** How other writers of the SQLite file were kept from losing rows: held off, watched, or null (nothing copied). */
  readonly sourceWriters: string | null;
}

interface StepText {
  readonly title: string;
  /** What to check when the step fails: the troubleshooting line of the guide, for this failure. */
  readonly hint: (config: Config, error: unknown) => string;
}

/** The steps of `dbops migrate` in order, with the title a task list starts with and the hint a failure carries. */
export const migrationSteps = {
  checkSource: { title: 'Check the SQLite file', hint: () => 'give the application database as SQLITE_PATH; it is opened read-only and never changed.' },
  startPostgres: { title: 'Start PostgreSQL', hint: () => 'check `docker ps -a`, that POSTGRES_PORT is free on 127.0.0.1 and that POSTGRES_IMAGE exists.' },
  waitForPostgres: {
    title: 'Wait for pg_isready inside the postgres container',
    hint: () => 'read `docker logs` of the postgres container: a full disk, a data directory of another major version, or bad settings keep it from starting.',
  },
  initialise: {
    title: 'Initialise: database, role and password',
    hint: () =>
      'the volume keeps the user and password it was first created with; use those, or (development only) remove the volume with `dbops down --volumes`.',
  },
  stopApi: {
    title: 'Stop the api so nothing writes to SQLite during the copy',
    hint: () => 'check `docker ps`; the api container must stop within its grace period.',
  },
  safetyBackup: { title: 'Back up the current PostgreSQL database', hint: () => 'check free space in BACKUP_DIR and `dbops backup` on its own.' },
  copy: {
    title: 'Copy every table and verify every value',
    hint: (_config, error) =>
      error instanceof TransferError
        ? 'the message names the table, column and row; fix the source or choose an --invalid-text mode, then run again.'
        : error instanceof VerificationError
          ? 'the copy differs from SQLite: run `dbops verify` for details, then run again; report it if it repeats.'
          : 'read the message above, fix what it names, then run again.',
  },
  verifyExisting: { title: 'Verify the existing copy', hint: () => 'the PostgreSQL data differs from SQLite: run `dbops verify` for details.' },
  switchUrl: {
    title: 'Point the api at PostgreSQL',
    hint: (config, error) =>
      error instanceof SourceChangedError
        ? 'find what writes to the SQLite file besides the api and stop it.'
        : `check that ${localEnvFile(config)} can be written.`,
  },
  restartApi: {
    title: 'Restart the api and wait until it is healthy',
    hint: () => 'read `docker logs` of the api container; it must reach the postgres service as POSTGRES_HOST.',
  },
  verifyApi: {
    title: 'Verify through the application',
    hint: () => 'the api does not serve what was copied: compare `/health` with the summary, then `dbops rollback`.',
  },
} as const satisfies Record<string, StepText>;

export type MigrationStep = keyof typeof migrationSteps;

/**
 * `dbops migrate`, the guide's manual steps as one run: SQLite checked, PostgreSQL started and
 * reached, the api stopped, a safety backup when PostgreSQL already holds data, every table copied
 * and verified, DATABASE_URL switched, the api restarted and checked through its /health. Every
 * step's failure names the step and its hint; recover() then puts the api back on SQLite. When the
 * api already uses PostgreSQL, the run only verifies and changes nothing.
 */
export class MigrationRun {
  readonly alreadyMigrated: boolean;
  readonly warnings: string[] = [];
  private readonly now: () => number;
  private readonly started: number;
  private source: SourceSummary | undefined;
  private target: TargetState | undefined;
  private postgres: PostgresTarget | undefined;
  private apiWasRunning = false;
  private apiStoppedAt: number | undefined;
  private apiDowntimeMs: number | undefined;
  private safetyArchive: string | undefined;
  private moved: MoveResult | undefined;
  private switched: UrlSwitch | undefined;
  private health: ApiHealth | undefined;
  private guard: SourceWatch | undefined;
  private sourceWriters: string | undefined;
  /** The postgres container's restarts when it was found ready: a later count above it means it restarted under a step. */
  private restartsAtStart: number | undefined;

  constructor(private readonly deps: MigrationRunDeps) {
    this.now = deps.now ?? Date.now;
    this.started = this.now();
    this.alreadyMigrated = isPostgresUrl(deps.stack.config.databaseUrl);
  }

  get stack(): StackControl {
    return this.deps.stack;
  }

  private get config(): Config {
    return this.deps.stack.config;
  }

  /** Whether a safety backup is taken: PostgreSQL already holds tables, or it is production. */
  get needsSafetyBackup(): boolean {
    return !this.alreadyMigrated && (this.config.environment === 'production' || (this.target?.tables ?? 0) > 0);
  }

  checkSource(): Promise<SourceSummary> {
    return this.step('checkSource', async () => {
      this.source = (this.deps.summariseSource ?? summariseSource)(this.config.sqlitePath, this.sqliteNamed);
      return this.source;
    });
  }

  startPostgres(onLine?: OnLine): Promise<void> {
    return this.step('startPostgres', () => this.deps.stack.start(['postgres'], onLine));
  }

  waitForPostgres(): Promise<{ containerName: string; waitedMs: number }> {
    return this.step('waitForPostgres', async () => {
      const { container, waitedMs } = await this.deps.stack.waitForPostgres();
      this.restartsAtStart = container.restartCount;
      this.postgres = await this.deps.stack.hostTarget();
      return { containerName: container.name, waitedMs };
    });
  }

  /** Connects as the application's role, proving the database, role and password are right. */
  initialise(): Promise<TargetState> {
    return this.step('initialise', async () => {
      this.target = await inspectTarget(this.deps.connect, this.requirePostgres());
      return this.target;
    });
  }

  /**
   * Stops the api, then holds the SQLite file against other writers (or watches it, under WAL)
   * until the run ends, so no row written after the copy's snapshot can be left behind.
   */
  stopApi(onLine?: OnLine): Promise<{ wasRunning: boolean; writers: string }> {
    return this.step('stopApi', async () => {
      this.apiWasRunning = await this.deps.stack.isRunning('api');
      if (this.apiWasRunning) await this.deps.stack.stop(['api'], onLine);
      this.apiStoppedAt = this.now();
      this.guard = this.openGuard();
      this.sourceWriters =
        this.guard.writers === 'held off'
          ? `writers were held off (rollback journal: their commits wait, then fail, until the switch is checked)`
          : `writers were watched (${this.guard.journalMode.toUpperCase()}: they cannot be held off; a write stops the migration before the switch)`;
      return { wasRunning: this.apiWasRunning, writers: this.sourceWriters };
    });
  }

  safetyBackup(): Promise<string> {
    return this.step('safetyBackup', async () => {
      this.safetyArchive = await this.deps.safetyBackup();
      return this.safetyArchive;
    });
  }

  copy(onProgress: (progress: MoveProgress) => void): Promise<MoveResult> {
    return this.step('copy', async () => {
      const ifExists = (this.target?.tables ?? 0) > 0 ? 'truncate' : 'fail';
      return this.keepMoved(await this.deps.mover.copy(this.config.sqlitePath, this.requirePostgres(), { ifExists, onProgress }));
    });
  }

  /** Instead of copy when the api already uses PostgreSQL: the copy must still equal SQLite. */
  verifyExisting(): Promise<MoveResult> {
    return this.step('verifyExisting', async () => this.keepMoved(await this.deps.mover.verify(this.config.sqlitePath, this.requirePostgres())));
  }

  /** DATABASE_URL becomes PostgreSQL's, in the git-ignored .env.<environment>.local; the SQLite URL is kept for rollback. */
  switchUrl(): Promise<{ databaseUrl: string; envFile: string }> {
    return this.step('switchUrl', async () => {
      const databaseUrl = appPostgresUrl(this.config);
      this.assertSourceUnchanged();
      this.switched = switchDatabaseUrl(this.config, databaseUrl);
      return { databaseUrl, envFile: this.switched.file };
    });
  }

  restartApi(onLine?: OnLine): Promise<{ baseUrl: string; downtimeMs: number | undefined }> {
    return this.step('restartApi', async () => {
      if (this.alreadyMigrated) await this.deps.stack.start(['api'], onLine);
      else await this.deps.stack.restartApi(appPostgresUrl(this.config), onLine);
      const { health, baseUrl } = await this.deps.stack.waitForApi();
      this.health = health;
      if (this.apiStoppedAt !== undefined && this.apiWasRunning) this.apiDowntimeMs = this.now() - this.apiStoppedAt;
      return { baseUrl, downtimeMs: this.apiDowntimeMs };
    });
  }

  /** The api serves PostgreSQL with SQLite's session count, and SELECT count(*) matches every copied table. */
  verifyApi(): Promise<{ sessions: number; tables: number }> {
    return this.step('verifyApi', async () => {
      const health = required(this.health);
      const expected = this.source?.sessions;
      if (health.backend !== 'postgresql' || (expected !== undefined && health.sessions !== expected)) {
        throw new DbopsError(
          `the api reports backend ${health.backend} with ${health.sessions} sessions; expected postgresql with ${expected ?? 'any number of'} sessions.`,
          {
            exitCode: ExitCode.verification,
          },
        );
      }
      const moved = required(this.moved);
      // SQLite counted again now, never the snapshot's figures: a row written since must show.
      await recount(this.deps.connect, this.requirePostgres(), moved, this.sqliteRowCounts());
      this.assertSourceUnchanged();
      this.closeGuard();
      return { sessions: health.sessions, tables: moved.tables.length };
    });
  }

  /**
   * After a failure at any step: DATABASE_URL back to its SQLite value, and the api serving from
   * SQLite again if it was serving before. SQLite itself is never written. Returns what it did;
   * throws when putting the api back failed too.
   */
  async recover(): Promise<string> {
    this.closeGuard();
    if (this.alreadyMigrated) return 'Nothing was changed.';
    const { config } = this;
    const switched = this.switched !== undefined;
    if (this.switched) {
      this.switched.undo();
      this.switched = undefined;
    }
    if (!this.apiWasRunning && !switched) return 'SQLite was not modified and the api was not touched.';
    await this.deps.stack.restartApi(config.databaseUrl);
    const { health } = await this.deps.stack.waitForApi();
    return `SQLite was not modified; DATABASE_URL is ${config.databaseUrl} again and the api serves ${health.sessions} sessions from ${health.backend}.`;
  }

  /** What the run did, for the CLI's summary and the run record (no secrets). */
  outcome(): MigrationOutcome {
    return {
      alreadyMigrated: this.alreadyMigrated,
      durationMs: this.now() - this.started,
      apiDowntimeMs: this.apiDowntimeMs ?? null,
      safetyBackup: this.safetyArchive ?? null,
      tables: this.moved?.tables ?? [],
      transfer: this.moved?.report ?? null,
      api: this.health ?? null,
      sourceWriters: this.sourceWriters ?? null,
    };
  }

  /** Where SQLITE_PATH came from, for messages about the file. */
  private get sqliteNamed(): string {
    const source = this.config.sources?.SQLITE_PATH;
    return source ? `SQLITE_PATH (from ${source})` : 'SQLITE_PATH';
  }

  /** Throws SourceChangedError when anything was committed to SQLite since the guard opened. */
  private assertSourceUnchanged(): void {
    const guard = this.guard;
    if (!guard) return;
    const changes = guard.changes();
    if (changes.changed) throw new SourceChangedError(this.config.sqlitePath, this.sourceWriters ?? guard.writers, describeChanges(changes));
  }

  private sqliteRowCounts(): ReadonlyMap<string, number> {
    if (this.guard) return this.guard.countRows();
    const guard = this.openGuard();
    try {
      return guard.countRows();
    } finally {
      guard.close();
    }
  }

  private openGuard(): SourceWatch {
    return (this.deps.openSourceGuard ?? ((file, named) => SourceGuard.open(file, named)))(this.config.sqlitePath, this.sqliteNamed);
  }

  private closeGuard(): void {
    this.guard?.close();
    this.guard = undefined;
  }

  /**
   * For a failure that PostgreSQL or its container caused: the error with what the engine found
   * (killed, OOM, disk full, paused, ...) and the fix for that, instead of the step's usual hint.
   */
  private async diagnose(error: unknown): Promise<{ error: DbopsError; fix: string } | undefined> {
    const fault = serverFaultOf(error);
    if (!fault && !(error instanceof ContainerStateError)) return undefined;
    const evidence = await this.deps.stack.postgresEvidence().catch(() => undefined);
    if (!evidence) return undefined;
    const restarts = evidence.restartCount !== undefined && this.restartsAtStart !== undefined ? evidence.restartCount - this.restartsAtStart : 0;
    const diagnosis = diagnosePostgres({ ...evidence, restartsDuringStep: restarts, ...(fault ? { fault: fault.kind } : {}) });
    const message = error instanceof Error ? error.message : String(error);
    return {
      error: new DbopsError(`${message}\nFound: ${diagnosis.finding}.`, {
        exitCode: error instanceof DbopsError ? error.exitCode : ExitCode.serverLost,
        cause: error,
      }),
      fix: diagnosis.fix,
    };
  }

  private keepMoved(moved: MoveResult): MoveResult {
    this.moved = moved;
    this.warnings.push(...moved.warnings);
    return moved;
  }

  private requirePostgres(): PostgresTarget {
    if (!this.postgres) throw new Error('waitForPostgres must run first');
    return this.postgres;
  }

  private async step<T>(name: MigrationStep, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const { title, hint } = migrationSteps[name];
      const diagnosed = await this.diagnose(error);
      throw new MigrationStepError(title, diagnosed?.error ?? error, diagnosed?.fix ?? hint(this.config, error));
    }
  }
}

/** SELECT count(*) of every copied table, compared with SQLite's count now (or what was copied, for a table SQLite no longer has). */
async function recount(connect: ConnectPostgres, target: PostgresTarget, moved: MoveResult, sqliteNow: ReadonlyMap<string, number>): Promise<void> {
  const connection = await connect(target);
  try {
    for (const table of moved.tables) {
      const name = `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.target)}`;
      const { rows } = await connection.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${name}`);
      const found = Number(rows[0]?.n ?? -1);
      const expected = sqliteNow.get(table.table) ?? table.rows;
      if (found !== expected) {
        throw new DbopsError(`${name} holds ${found} rows in PostgreSQL but ${expected} in SQLite table ${table.table}.`, { exitCode: ExitCode.verification });
      }
    }
  } finally {
    await connection.close();
  }
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('a previous step did not record its result');
  return value;
}
