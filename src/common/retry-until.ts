import { sleep as realSleep, type Sleep } from './sleep.ts';

export type Attempt<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly output: string };

export interface RetryOptions {
  readonly timeoutMs: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: Sleep;
  readonly now?: () => number;
}

export type RetryOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number; readonly waitedMs: number }
  | { readonly ok: false; readonly lastOutput: string; readonly attempts: number; readonly waitedMs: number };

/**
 * Calls `attempt` until it reports done or the timeout passes, doubling the pause between tries
 * up to `maxDelayMs`. Returns the last output on timeout instead of throwing, so the caller can
 * build an error that says what it saw.
 */
export async function retryUntil<T>(attempt: () => Promise<Attempt<T>>, options: RetryOptions): Promise<RetryOutcome<T>> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const started = now();
  let delay = options.initialDelayMs ?? 250;
  let attempts = 0;
  let lastOutput = '';
  for (;;) {
    attempts += 1;
    const result = await attempt();
    const waitedMs = now() - started;
    if (result.done) return { ok: true, value: result.value, attempts, waitedMs };
    lastOutput = result.output;
    if (waitedMs >= options.timeoutMs) return { ok: false, lastOutput, attempts, waitedMs };
    await sleep(Math.min(delay, Math.max(0, options.timeoutMs - waitedMs)));
    delay = Math.min(delay * 2, options.maxDelayMs ?? 2000);
  }
}
