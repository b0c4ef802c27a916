import type { Config } from '../config/config.ts';
import { switchBack, type UrlSwitch } from '../config/database-url-switch.ts';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import type { ApiHealth } from '../stack/api-health.ts';
import type { OnLine, StackControl } from '../stack/stack-control.ts';
import type { DataMover } from './data-mover.ts';
import { summariseSource, type SourceSummary } from './source-summary.ts';

export interface RollbackRunDeps {
  readonly stack: StackControl;
  readonly mover: DataMover;
  /** Reads the SQLite file; replaceable so tests need no file. */
  readonly summariseSource?: (sqlitePath: string) => SourceSummary;
}

export interface RollbackRunOptions {
  /** The SQLite DATABASE_URL that dbops migrate kept. */
  readonly previousUrl: string;
  /** Roll back even when PostgreSQL holds rows that SQLite does not. */
  readonly force: boolean;
}

/** The steps of `dbops rollback` in order, with the title a task list starts with. */
export const rollbackSteps = {
  checkSource: 'Check the SQLite file',
  checkPostgres: 'Check PostgreSQL for writes made since the migration',
  switchUrl: 'Point the api at SQLite again',
  restartApi: 'Restart the api and wait until it is healthy',
  verifyApi: 'Verify the api serves SQLite',
} as const;

/**
 * `dbops rollback`: DATABASE_URL back to the SQLite value migrate kept, the api restarted on it and
 * checked. PostgreSQL's data stays in place. Refuses when PostgreSQL holds writes that SQLite
 * lacks, unless forced, because the api would silently stop seeing them. recover() points the api
 * back at PostgreSQL when the rollback fails after it switched.
 */
export class RollbackRun {
  /** Nothing a rollback does warrants a warning yet; kept for the shape every run shares. */
  readonly warnings: readonly string[] = [];
  private source: SourceSummary | undefined;
  private postgresCheck: string | undefined;
  private switched: UrlSwitch | undefined;
  private apiRestarted = false;
  private health: ApiHealth | undefined;

  constructor(
    private readonly deps: RollbackRunDeps,
    private readonly options: RollbackRunOptions,
  ) {}

  get stack(): StackControl {
    return this.deps.stack;
  }

  private get config(): Config {
    return this.deps.stack.config;
  }

  async checkSource(): Promise<SourceSummary> {
    this.source = (this.deps.summariseSource ?? summariseSource)(this.config.sqlitePath);
    return this.source;
  }

  /** Returns what the check found: equal to SQLite, different (only with force), or not checkable. */
  async checkPostgres(): Promise<string> {
    if (!(await this.deps.stack.isRunning('postgres'))) {
      this.postgresCheck = 'PostgreSQL is not running: writes made since the migration could not be checked';
      return this.postgresCheck;
    }
    try {
      await this.deps.mover.verify(this.config.sqlitePath, await this.deps.stack.hostTarget());
      this.postgresCheck = 'PostgreSQL holds exactly what SQLite holds';
    } catch (error) {
      const difference = error instanceof Error ? error.message : String(error);
      if (!this.options.force) {
        throw new DbopsError(
          `PostgreSQL differs from SQLite (${difference}). Rolling back would leave those rows in PostgreSQL, unseen by the api. ` +
            'Back them up (`dbops backup`) and pass --force to roll back anyway.',
          { exitCode: ExitCode.refused, cause: error },
        );
      }
      this.postgresCheck = `PostgreSQL differs from SQLite; rolled back anyway (--force): ${difference}`;
    }
    return this.postgresCheck;
  }

  async switchUrl(): Promise<{ databaseUrl: string; envFile: string }> {
    this.switched = switchBack(this.config, this.options.previousUrl);
    return { databaseUrl: this.options.previousUrl, envFile: this.switched.file };
  }

  async restartApi(onLine?: OnLine): Promise<{ baseUrl: string }> {
    this.apiRestarted = true;
    await this.deps.stack.restartApi(this.options.previousUrl, onLine);
    const { health, baseUrl } = await this.deps.stack.waitForApi();
    this.health = health;
    return { baseUrl };
  }

  async verifyApi(): Promise<{ sessions: number }> {
    const health = this.health;
    const expected = this.source?.sessions;
    if (health?.backend !== 'sqlite' || (expected !== undefined && health.sessions !== expected)) {
      throw new DbopsError(
        `After rollback the api reports backend ${health?.backend ?? 'unknown'} with ${health?.sessions ?? '?'} sessions; ` +
          `expected sqlite with ${expected ?? 'any number of'}. ` +
          `Check DATABASE_URL in ${this.config.envFile} and \`docker logs\` of the api.`,
        { exitCode: ExitCode.verification },
      );
    }
    return { sessions: health.sessions };
  }

  /**
   * After a failure at any step: DATABASE_URL back to PostgreSQL's (with the SQLite URL kept for
   * the next rollback), and the api restarted on it if it had been restarted. Returns what it did;
   * throws when that failed too.
   */
  async recover(): Promise<string> {
    if (!this.switched) return 'Nothing was changed: the api still uses PostgreSQL.';
    const { config } = this;
    this.switched.undo();
    this.switched = undefined;
    if (!this.apiRestarted) return `DATABASE_URL is ${config.databaseUrl} again; the api was not restarted.`;
    await this.deps.stack.restartApi(config.databaseUrl);
    const { health } = await this.deps.stack.waitForApi();
    this.apiRestarted = false;
    return `DATABASE_URL is ${config.databaseUrl} again and the api serves ${health.sessions} sessions from ${health.backend}.`;
  }

  /** What the run did, for the CLI's summary and the run record (no secrets). */
  outcome(): { readonly postgres: string | null; readonly api: ApiHealth | null } {
    return { postgres: this.postgresCheck ?? null, api: this.health ?? null };
  }
}
