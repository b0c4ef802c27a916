import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../src/config/config.ts';
import type { ContainerSummary } from '../../src/docker/container-runtime.ts';
import type { ApiHealth, HealthProbe } from '../../src/stack/api-health.ts';
import type { ContainerPostgres } from '../../src/stack/container-postgres.ts';
import type { PostgresEvidence } from '../../src/stack/postgres-diagnosis.ts';
import type { ApiReady, ServiceName, StackControl } from '../../src/stack/stack-control.ts';

export const sqliteUrl = 'sqlite:///./data/api_sessions.db';
export const postgresUrl = 'postgresql://lawfirm@postgres:5432/lawfirm';

/** A config for fakes: its env file is a real file in `dir`, holding DATABASE_URL (and the kept SQLite URL after a migration). */
export function fakeConfig(
  dir: string,
  options: { environment?: 'development' | 'production'; databaseUrl?: string; previousDatabaseUrl?: string } = {},
): Config {
  const envFile = path.join(dir, `.env.${options.environment ?? 'development'}`);
  const databaseUrl = options.databaseUrl ?? sqliteUrl;
  writeFileSync(
    envFile,
    `# kept as written\nDATABASE_URL=${databaseUrl}\n${options.previousDatabaseUrl ? `DBOPS_PREVIOUS_DATABASE_URL=${options.previousDatabaseUrl}\n` : ''}`,
  );
  return {
    environment: options.environment ?? 'development',
    rootDir: dir,
    envFile,
    composeFile: path.join(dir, 'deployment', 'docker-compose.dev.yml'),
    composeProject: 'fake',
    databaseUrl,
    previousDatabaseUrl: options.previousDatabaseUrl,
    sqlitePath: path.join(dir, 'data', 'api_sessions.db'),
    postgres: { host: 'postgres', port: 5433, database: 'lawfirm', user: 'lawfirm', password: 'not-printed' },
    apiPort: 8000,
    backupDir: path.join(dir, 'backups'),
    images: { postgres: 'postgres:16', node: 'node:20-slim' },
    sources: {} as Config['sources'],
  } as Config;
}

/** DATABASE_URL as the api would get it now: the .local file's value over the env file's, as loadConfig layers them. */
export function envFileUrl(config: Config): string | undefined {
  const local = `${config.envFile}.local`;
  const fromLocal = existsSync(local) ? /^DATABASE_URL=(.*)$/m.exec(readFileSync(local, 'utf8'))?.[1] : undefined;
  return fromLocal ?? /^DATABASE_URL=(.*)$/m.exec(readFileSync(config.envFile, 'utf8'))?.[1];
}

type Method = 'start' | 'stop' | 'restartApi' | 'waitForPostgres' | 'waitForApi' | 'hostTarget';

/**
 * A stack as a few fields: which services run, which DATABASE_URL the api was started with, and
 * how many sessions each backend serves. `failNext` makes the next call of a method throw once.
 */
export class FakeStack implements StackControl {
  readonly running: Record<ServiceName, boolean> = { postgres: false, api: true };
  apiUrl: string;
  sessions: Record<ApiHealth['backend'], number> = { sqlite: 240, postgresql: 240 };
  readonly calls: string[] = [];
  /** What postgresEvidence() reports: a running container unless a test says otherwise. */
  evidence: Omit<PostgresEvidence, 'fault' | 'restartsDuringStep'> & { restartCount?: number } = {
    containerName: 'fake-postgres-1',
    state: 'running',
    lastLogLines: [],
    restartCount: 0,
  };
  private readonly failures = new Map<Method, Error>();

  constructor(readonly config: Config) {
    this.apiUrl = config.databaseUrl;
  }

  failNext(method: Method, error: Error = new Error(`${method} failed`)): this {
    this.failures.set(method, error);
    return this;
  }

  async start(services: readonly ServiceName[]): Promise<void> {
    this.maybeFail('start');
    for (const service of services) this.running[service] = true;
    this.calls.push(`start ${services.join(',')}`);
  }
  async stop(services: readonly ServiceName[]): Promise<void> {
    this.maybeFail('stop');
    for (const service of services) this.running[service] = false;
    this.calls.push(`stop ${services.join(',')}`);
  }
  async restartApi(databaseUrl: string): Promise<void> {
    this.maybeFail('restartApi');
    this.apiUrl = databaseUrl;
    this.running.api = true;
    this.calls.push(`restart api on ${databaseUrl.split(':')[0]}`);
  }
  async isRunning(service: ServiceName): Promise<boolean> {
    return this.running[service];
  }
  async waitForPostgres(): Promise<{ container: ContainerSummary; waitedMs: number }> {
    this.maybeFail('waitForPostgres');
    return {
      container: { id: 'pg', name: 'fake-postgres-1', state: 'running', health: undefined, publishedPorts: { '5432/tcp': 5433 }, restartCount: 0 },
      waitedMs: 1200,
    };
  }
  async waitForApi(): Promise<ApiReady> {
    this.maybeFail('waitForApi');
    if (!this.running.api) throw new Error('the api is not running');
    return { health: this.health(), baseUrl: 'http://127.0.0.1:8000', waitedMs: 300 };
  }
  async apiHealth(): Promise<HealthProbe> {
    return this.running.api ? { ok: true, health: this.health() } : { ok: false, problem: 'not running' };
  }
  async postgres(): Promise<ContainerPostgres> {
    throw new Error('FakeStack has no container PostgreSQL; runs under test take theirs as a dependency');
  }
  async hostTarget() {
    this.maybeFail('hostTarget');
    const { user, password, database } = this.config.postgres;
    return { host: '127.0.0.1', port: 5433, user, password, database };
  }
  async postgresEvidence() {
    return this.evidence;
  }
  async remove(): Promise<void> {
    this.calls.push('remove');
  }

  /** What the api serves now: its backend follows the URL it was started with. */
  health(): ApiHealth {
    const backend = this.apiUrl.startsWith('postgres') ? 'postgresql' : 'sqlite';
    return { status: 'ok', backend, sessions: this.sessions[backend] };
  }

  private maybeFail(method: Method): void {
    const error = this.failures.get(method);
    if (!error) return;
    this.failures.delete(method);
    throw error;
  }
}
