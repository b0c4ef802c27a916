import type { RetryOptions } from '../common/retry-until.ts';
import type { ContainerRuntime } from '../docker/container-runtime.ts';
import { waitForContainer } from '../docker/wait-for-container.ts';

const probeTimeoutMs = 10_000;

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
export async function waitForPostgres(runtime: ContainerRuntime, target: PostgresReadinessTarget, retry: RetryOptions): Promise<{ waitedMs: number }> {
  const probe = ['pg_isready', '--host', '127.0.0.1', '--username', target.user, '--dbname', target.database];
  const { waitedMs } = await waitForContainer(
    runtime,
    {
      service: 'postgres',
      containerId: target.containerId,
      probe: async () => {
        // pg_isready answers at once, ready or not; one that hangs means a stalled container.
        const result = await runtime.exec(target.containerId, probe, { timeoutMs: probeTimeoutMs });
        return result.exitCode === 0 ? { done: true, value: undefined } : { done: false, output: result.stdout + result.stderr };
      },
      fix: (name) =>
        `Troubleshooting: read the full log with \`docker logs ${name}\`; a volume initialised with another ` +
        'user or password keeps its old credentials (remove it with `dbops down --volumes` on a development stack), ' +
        'and a data directory from a different PostgreSQL major version will not start.',
    },
    retry,
  );
  return { waitedMs };
}
