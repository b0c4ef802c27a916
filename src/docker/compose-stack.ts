import type { Fetch, ApiHealth } from '../api/api-health.ts';
import { waitForApi } from '../api/wait-for-api.ts';
import type { RetryOptions } from '../common/retry-until.ts';
import type { Config } from '../config/config.ts';
import { DockerUnavailableError } from '../errors/docker-unavailable-error.ts';
import type { ComposeCli } from './compose-cli.ts';
import type { ContainerRuntime, ContainerSummary } from './container-runtime.ts';
import { waitForPostgres } from './wait-for-postgres.ts';

export type ServiceName = 'postgres' | 'api';

export interface ComposeStackDeps {
  readonly config: Config;
  readonly runtime: ContainerRuntime;
  readonly compose: ComposeCli;
  readonly fetch: Fetch;
  readonly readiness: RetryOptions;
}

/**
 * One environment's compose stack: compose starts and removes it, and from then on its containers
 * are found by their compose labels and handled through the engine API.
 */
export class ComposeStack {
  constructor(private readonly deps: ComposeStackDeps) {}

  get config(): Config {
    return this.deps.config;
  }

  async start(services: readonly ServiceName[], onLine?: (line: string) => void): Promise<void> {
    await this.deps.compose.up(services, { build: services.includes('api'), ...(onLine ? { onLine } : {}) });
  }

  /** The engine client, for work inside the stack's containers (exec). */
  get runtime(): ContainerRuntime {
    return this.deps.runtime;
  }

  /** Stops services without removing them (their containers and volumes stay). */
  async stop(services: readonly ServiceName[], onLine?: (line: string) => void): Promise<void> {
    await this.deps.compose.stop(services, onLine ? { onLine } : {});
  }

  /** The service's container if compose made one, running or not. */
  find(service: ServiceName): Promise<ContainerSummary | undefined> {
    return this.deps.runtime.findServiceContainer(this.deps.config.composeProject, service);
  }

  async container(service: ServiceName): Promise<ContainerSummary> {
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
  async publishedPort(service: ServiceName, containerPort: string): Promise<number> {
    const container = await this.container(service);
    const port = container.publishedPorts[containerPort];
    if (port === undefined) {
      throw new DockerUnavailableError(`The ${service} container ${container.name} does not publish ${containerPort}; check the ports section of ${this.deps.config.composeFile}.`);
    }
    return port;
  }

  async waitForPostgres(): Promise<{ container: ContainerSummary; waitedMs: number }> {
    const container = await this.container('postgres');
    const { user, database } = this.deps.config.postgres;
    const { waitedMs } = await waitForPostgres(this.deps.runtime, { containerId: container.id, user, database }, this.deps.readiness);
    return { container, waitedMs };
  }

  async waitForApi(): Promise<{ health: ApiHealth; baseUrl: string; waitedMs: number }> {
    const container = await this.container('api');
    const baseUrl = `http://127.0.0.1:${await this.publishedPort('api', '8000/tcp')}`;
    const result = await waitForApi(this.deps.runtime, this.deps.fetch, { containerId: container.id, baseUrl }, this.deps.readiness);
    return { ...result, baseUrl };
  }

  /**
   * Recreates the api alone with this DATABASE_URL (compose only passes a changed environment to a
   * new container), leaving postgres running.
   */
  async startApi(databaseUrl: string, onLine?: (line: string) => void): Promise<void> {
    await this.deps.compose.up(['api'], {
      recreate: true,
      noDeps: true,
      envOverrides: { DATABASE_URL: databaseUrl },
      ...(onLine ? { onLine } : {}),
    });
  }

  /** Stops the api so nothing writes to the source while it is copied. Returns whether it was running. */
  async stopApi(onLine?: (line: string) => void): Promise<boolean> {
    if ((await this.find('api'))?.state !== 'running') return false;
    await this.stop(['api'], onLine);
    return true;
  }

  async remove(options: { volumes: boolean; onLine?: (line: string) => void }): Promise<void> {
    await this.deps.compose.down({ volumes: options.volumes, localImages: options.volumes, ...(options.onLine ? { onLine: options.onLine } : {}) });
  }
}
