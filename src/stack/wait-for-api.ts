import type { RetryOptions } from '../common/retry-until.ts';
import type { ContainerRuntime } from '../docker/container-runtime.ts';
import { waitForContainer } from '../docker/wait-for-container.ts';
import { probeApiHealth, type ApiHealth, type Fetch } from './api-health.ts';

/** Waits until the api answers GET /health with 200 on its published port, as a user would reach it. */
export async function waitForApi(
  runtime: ContainerRuntime,
  fetchImpl: Fetch,
  target: { readonly containerId: string; readonly baseUrl: string },
  retry: RetryOptions,
): Promise<{ health: ApiHealth; waitedMs: number }> {
  const { value, waitedMs } = await waitForContainer(
    runtime,
    {
      service: 'api',
      containerId: target.containerId,
      probe: async () => {
        const probe = await probeApiHealth(fetchImpl, target.baseUrl);
        return probe.ok ? { done: true, value: probe.health } : { done: false, output: probe.problem };
      },
      fix: (name) =>
        `Troubleshooting: read \`docker logs ${name}\`; check that DATABASE_URL points at a database the api ` +
        'can reach (the SQLite file under ./data, or the postgres service) and that API_PORT is free.',
    },
    retry,
  );
  return { health: value, waitedMs };
}
