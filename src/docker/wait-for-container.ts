import { retryUntil, type Attempt, type RetryOptions } from '../common/retry-until.ts';
import { ContainerStateError } from '../errors/container-state-error.ts';
import { ReadinessTimeoutError } from '../errors/readiness-timeout-error.ts';
import type { ContainerRuntime } from './container-runtime.ts';

export interface ReadinessCheck<T> {
  readonly service: string;
  readonly containerId: string;
  /** One readiness probe; only called while the container is running. */
  readonly probe: () => Promise<Attempt<T>>;
  /** The troubleshooting sentence for a timeout, given the container's name. */
  readonly fix: (containerName: string) => string;
}

/**
 * Probes a service until it is ready or the timeout passes. On timeout the error carries the
 * container's state, what the last probe said and the container's last log lines.
 */
export async function waitForContainer<T>(runtime: ContainerRuntime, check: ReadinessCheck<T>, retry: RetryOptions): Promise<{ value: T; waitedMs: number }> {
  const outcome = await retryUntil(async () => {
    const container = await runtime.inspect(check.containerId);
    // A paused container never becomes ready by itself: say so now rather than at the timeout.
    if (container.state === 'paused') throw new ContainerStateError(container.name, 'paused', `waiting for ${check.service} to be ready`);
    return container.state === 'running' ? check.probe() : { done: false, output: `container is ${container.state}` };
  }, retry);
  if (outcome.ok) return { value: outcome.value, waitedMs: outcome.waitedMs };
  const container = await runtime.inspect(check.containerId);
  throw new ReadinessTimeoutError(
    check.service,
    outcome.waitedMs,
    outcome.lastOutput,
    container.state,
    await runtime.logs(check.containerId, 20),
    check.fix(container.name),
  );
}
