import type { RetryOptions } from '../common/retry-until.ts';
import type { Config } from '../config/config.ts';
import type { ComposeCli } from '../docker/compose-cli.ts';
import type { ContainerRuntime, ContainerSummary } from '../docker/container-runtime.ts';
import { ContainerStateError } from '../errors/container-state-error.ts';
import { DockerUnavailableError } from '../errors/docker-unavailable-error.ts';
import type { PostgresTarget } from '../postgres/postgres-connection.ts';
import { probeApiHealth, type Fetch, type HealthProbe } from './api-health.ts';
import { ContainerPostgres } from './container-postgres.ts';
import type { PostgresEvidence } from './postgres-diagnosis.ts';
import type { ApiReady, OnLine, ServiceName, StackControl } from './stack-control.ts';
import { waitForApi } from './wait-for-api.ts';
import { waitForPostgres } from './wait-for-postgres.ts';

export type { ServiceName } from './stack-control.ts';

export interface ComposeStackDeps {
  readonly config: Config;
  readonly runtime: ContainerRuntime;
  readonly compose: ComposeCli;
  readonly fetch: Fetch;
  readonly readiness: RetryOptions;
}

/**
 * One environment's compose stack, the one StackControl: compose starts and removes it, and from
 * then on its containers are found by their compose labels and handled through the engine API.
 */
export class ComposeStack implements StackControl {
  constructor(private readonly deps: ComposeStackDeps) {}

  get config(): Config {
    return this.deps.config;
  }

  async start(services: readonly ServiceName[], onLine?: OnLine): Promise<void> {
    await this.deps.compose.up(services, { build: services.includes('api'), ...(onLine ? { onLine } : {}) });
  }

  async stop(services: readonly ServiceName[], onLine?: OnLine): Promise<void> {
    await this.deps.compose.stop(services, onLine ? { onLine } : {});
  }

  /** Compose only passes a changed environment to a new container, hence the recreate. */
  async restartApi(databaseUrl: string, onLine?: OnLine): Promise<void> {
    await this.deps.compose.up(['api'], {
      recreate: true,
      noDeps: true,
      envOverrides: { DATABASE_URL: databaseUrl },
      ...(onLine ? { onLine } : {}),
    });
  }

  async isRunning(service: ServiceName): Promise<boolean> {
    return (await this.find(service))?.state === 'running';
  }

  /** The service's container if compose made one, running or not. */
  private find(service: ServiceName): Promise<ContainerSummary | undefined> {
    return this.deps.runtime.findServiceContainer(this.deps.config.composeProject, service);
  }

  private async container(service: ServiceName): Promise<ContainerSummary> {
    const found = await this.find(service);
    if (!found) {
      throw new DockerUnavailableError(
        `No ${service} container of compose project "${this.deps.config.composeProject}" exists. ` +
          `Start the stack first (dbops up --env ${this.deps.config.environment}).`,
      );
    }
    return found;
  }

  /** The host port the container publishes for `containerPort`, read from the engine, not from config. */
  private async publishedPort(service: ServiceName, containerPort: string): Promise<number> {
    const container = await this.container(service);
    const port = container.publishedPorts[containerPort];
    if (port === undefined) {
      throw new DockerUnavailableError(
        `The ${service} container ${container.name} does not publish ${containerPort}; check the ports section of ${this.deps.config.composeFile}.`,
      );
    }
    return port;
  }

  async waitForPostgres(): Promise<{ container: ContainerSummary; waitedMs: number }> {
    const container = await this.container('postgres');
    const { user, database } = this.deps.config.postgres;
    const { waitedMs } = await waitForPostgres(this.deps.runtime, { containerId: container.id, user, database }, this.deps.readiness);
    return { container, waitedMs };
  }

  async waitForApi(): Promise<ApiReady> {
    const container = await this.container('api');
    const baseUrl = await this.apiBaseUrl();
    const result = await waitForApi(this.deps.runtime, this.deps.fetch, { containerId: container.id, baseUrl }, this.deps.readiness);
    return { ...result, baseUrl };
  }

  async apiHealth(): Promise<HealthProbe> {
    if (!(await this.isRunning('api'))) return { ok: false, problem: 'the api container is not running' };
    return probeApiHealth(this.deps.fetch, await this.apiBaseUrl());
  }

  async postgres(): Promise<ContainerPostgres> {
    const { config } = this.deps;
    const container = await this.container('postgres');
    if (container.state === 'paused') throw new ContainerStateError(container.name, 'paused', 'this command');
    if (container.state !== 'running') {
      throw new DockerUnavailableError(
        `The postgres container ${container.name} is ${container.state}. Start the stack first (dbops up --env ${config.environment}).`,
      );
    }
    const { user, password, database } = config.postgres;
    return new ContainerPostgres(this.deps.runtime, { containerId: container.id, containerName: container.name, user, password, database });
  }

  async postgresEvidence(): Promise<Omit<PostgresEvidence, 'fault' | 'restartsDuringStep'> & { readonly restartCount?: number }> {
    const { runtime } = this.deps;
    const container = await this.find('postgres').catch(() => undefined);
    if (!container) return { containerName: `${this.deps.config.composeProject} postgres`, state: 'missing', lastLogLines: [] };
    const logs = await runtime.logs(container.id, 20).catch(() => '');
    let volumeFreeBytes: number | undefined;
    if (container.state === 'running') {
      // df inside the container measures the volume PostgreSQL writes to, wherever it is mounted.
      const df = await runtime
        .exec(container.id, ['sh', '-c', 'df -Pk "${PGDATA:-/var/lib/postgresql/data}" | tail -n 1'], { timeoutMs: 5000 })
        .catch(() => undefined);
      const available = Number(df?.stdout.trim().split(/\s+/)[3]);
      if (df?.exitCode === 0 && Number.isFinite(available)) volumeFreeBytes = available * 1024;
    }
    return {
      containerName: container.name,
      state: container.state,
      lastLogLines: logs.split('\n'),
      ...(container.exitCode === undefined ? {} : { exitCode: container.exitCode }),
      ...(container.oomKilled === undefined ? {} : { oomKilled: container.oomKilled }),
      ...(container.restartCount === undefined ? {} : { restartCount: container.restartCount }),
      ...(container.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: container.memoryLimitBytes }),
      ...(volumeFreeBytes === undefined ? {} : { volumeFreeBytes }),
    };
  }

  async hostTarget(): Promise<PostgresTarget & { readonly port: number }> {
    const port = await this.publishedPort('postgres', '5432/tcp');
    const { user, password, database } = this.deps.config.postgres;
    return { host: '127.0.0.1', port, user, password, database };
  }

  async remove(options: { readonly volumes: boolean; readonly onLine?: OnLine }): Promise<void> {
    await this.deps.compose.down({ volumes: options.volumes, localImages: options.volumes, ...(options.onLine ? { onLine: options.onLine } : {}) });
  }

  private async apiBaseUrl(): Promise<string> {
    return `http://127.0.0.1:${await this.publishedPort('api', '8000/tcp')}`;
  }
}
