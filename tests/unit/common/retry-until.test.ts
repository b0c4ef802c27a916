import { describe, expect, it } from 'vitest';
import { retryUntil } from '../../../src/common/retry-until.ts';

/** A fake clock: sleeping only moves time forward. */
const clock = () => {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
};

describe('retryUntil', () => {
  it('returns the value as soon as an attempt is done', async () => {
    const time = clock();
    let calls = 0;
    const outcome = await retryUntil(async () => (++calls < 3 ? { done: false, output: `try ${calls}` } : { done: true, value: 'ready' }), {
      timeoutMs: 10_000,
      ...time,
    });
    expect(outcome).toEqual({ ok: true, value: 'ready', attempts: 3, waitedMs: 750 });
    expect(time.sleeps).toEqual([250, 500]);
  });

  it('backs off up to the maximum delay', async () => {
    const time = clock();
    await retryUntil(async () => ({ done: false, output: '' }), { timeoutMs: 5000, initialDelayMs: 100, maxDelayMs: 1000, ...time });
    expect(time.sleeps.slice(0, 6)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('gives up after the timeout with the last output, without overshooting', async () => {
    const time = clock();
    let calls = 0;
    const outcome = await retryUntil(async () => ({ done: false, output: `no response ${++calls}` }), { timeoutMs: 3000, ...time });
    expect(outcome).toMatchObject({ ok: false, lastOutput: `no response ${calls}`, waitedMs: 3000 });
  });
});
