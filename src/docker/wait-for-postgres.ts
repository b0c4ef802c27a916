import { retryUntil, type RetryOptions } from '../common/retry-until.ts';
import { ReadinessTimeoutError } from '../errors/readiness-timeout-error.ts';
import type { ContainerRuntime } from './container-runtime.ts';

export interface PostgresReadinessTarget {
  readonly containerId: string;
  readonly user: string;
  readonly database: string;
}

/**
 * Waits until `pg_isready` passes inside the postgres container. It probes over TCP on 127.0.0.1:
 * during first-start initialisation the server listens on the socket only, so a socket probe would
 * report ready before the database and role exist.
 */
export async function waitForPostgres(
  runtime: ContainerRuntime,
  target: PostgresReadinessTarget,
  retry: RetryOptions,
): Promise<{ waitedMs: number }> {
  const probe = ['pg_isready', '--host', '127.0.0.1', '--username', target.user, '--dbname', target.database];
  const outcome = await retryUntil(async () => {
    const container = await runtime.inspect(target.containerId);
    if (container.state !== 'running') return { done: false, output: `container is ${container.state}` };
    const result = await runtime.exec(target.containerId, probe);
    return result.exitCode === 0 ? { done: true, value: undefined } : { done: false, output: result.stdout + result.stderr };
  }, retry);
  if (outcome.ok) return { waitedMs: outcome.waitedMs };
  const container = await runtime.inspect(target.containerId);
  throw new ReadinessTimeoutError(
    'postgres',
    outcome.waitedMs,
    outcome.lastOutput,
    container.state,
    await runtime.logs(target.containerId, 20),
    'Troubleshooting: read the full log with `docker logs ' + container.name + '`; a volume initialised with another ' +
      'user or password keeps its old credentials (remove it with `dbops down --volumes` on a development stack), ' +
      'and a data directory from a different PostgreSQL major version will not start.',
  );
}
