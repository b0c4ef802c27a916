import type { Config } from '../config/config.ts';
import type { ContainerSummary } from '../docker/container-runtime.ts';
import type { PostgresTarget } from '../postgres/postgres-connection.ts';
import type { ApiHealth, HealthProbe } from './api-health.ts';
import type { ContainerPostgres } from './container-postgres.ts';
import type { PostgresEvidence } from './postgres-diagnosis.ts';

export type ServiceName = 'postgres' | 'api';

/** Receives compose's output line by line, for a task's live output. */
export type OnLine = (line: string) => void;

export interface ApiReady {
  readonly health: ApiHealth;
  /** Where the api answers on this machine: 127.0.0.1 and the port its container publishes. */
  readonly baseUrl: string;
  readonly waitedMs: number;
}

/**
 * The application stack of one environment, as every command that touches it sees it. Runs
 * (MigrationRun, RollbackRun, RestoreRun, ...) take this interface, so their tests use fakes;
 * the one implementation is ComposeStack (compose for the lifecycle, the engine for containers),
 * built in src/cli.ts.
 */
export interface StackControl {
  readonly config: Config;
  /** Creates and starts services (building the api image when it is among them). */
  start(services: readonly ServiceName[], onLine?: OnLine): Promise<void>;
  /** Stops services without removing their containers or volumes. */
  stop(services: readonly ServiceName[], onLine?: OnLine): Promise<void>;
  /** Recreates the api alone with this DATABASE_URL, leaving postgres running. */
  restartApi(databaseUrl: string, onLine?: OnLine): Promise<void>;
  isRunning(service: ServiceName): Promise<boolean>;
  /** Waits until pg_isready passes inside the postgres container (ReadinessTimeoutError otherwise). */
  waitForPostgres(): Promise<{ container: ContainerSummary; waitedMs: number }>;
  /** Waits until the api answers GET /health on its published port (ReadinessTimeoutError otherwise). */
  waitForApi(): Promise<ApiReady>;
  /** Asks the api for its health once; never throws. */
  apiHealth(): Promise<HealthProbe>;
  /** The running postgres container's PostgreSQL: psql, pg_dump and pg_restore inside it. */
  postgres(): Promise<ContainerPostgres>;
  /** The stack's database as this machine reaches it over TCP (holds the password: never print it). */
  hostTarget(): Promise<PostgresTarget & { readonly port: number }>;
  /**
   * What the engine says about the postgres container now (state, exit code, OOM flag, restarts,
   * memory limit, free space of its data directory, last log lines), for diagnosing a failed step.
   * Never throws: what cannot be read is left out.
   */
  postgresEvidence(): Promise<Omit<PostgresEvidence, 'fault' | 'restartsDuringStep'> & { readonly restartCount?: number }>;
  /** Removes containers and network; with `volumes` also the data volume and the locally built images. */
  remove(options: { readonly volumes: boolean; readonly onLine?: OnLine }): Promise<void>;
}
