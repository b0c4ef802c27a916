import { retryUntil, type RetryOptions } from '../common/retry-until.ts';
import type { ContainerRuntime } from '../docker/container-runtime.ts';
import { ReadinessTimeoutError } from '../errors/readiness-timeout-error.ts';
import { probeApiHealth, type ApiHealth, type Fetch } from './api-health.ts';

/** Waits until the api answers GET /health with 200 on its published port, as a user would reach it. */
export async function waitForApi(
  runtime: ContainerRuntime,
  fetchImpl: Fetch,
  target: { readonly containerId: string; readonly baseUrl: string },
  retry: RetryOptions,
): Promise<{ health: ApiHealth; waitedMs: number }> {
  const outcome = await retryUntil(async () => {
    const container = await runtime.inspect(target.containerId);
    if (container.state !== 'running') return { done: false, output: `container is ${container.state}` };
    const probe = await probeApiHealth(fetchImpl, target.baseUrl);
    return probe.ok ? { done: true, value: probe.health } : { done: false, output: probe.problem };
  }, retry);
  if (outcome.ok) return { health: outcome.value, waitedMs: outcome.waitedMs };
  const container = await runtime.inspect(target.containerId);
  throw new ReadinessTimeoutError(
    'api',
    outcome.waitedMs,
    outcome.lastOutput,
    container.state,
    await runtime.logs(target.containerId, 20),
    `Troubleshooting: read \`docker logs ${container.name}\`; check that DATABASE_URL points at a database the api ` +
      'can reach (the SQLite file under ./data, or the postgres service) and that API_PORT is free.',
  );
}
