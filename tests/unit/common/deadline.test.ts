import { describe, expect, it } from 'vitest';
import { withDeadline } from '../../../src/common/deadline.ts';
import { ContainerStateError } from '../../../src/errors/container-state-error.ts';
import { ExitCode } from '../../../src/errors/exit-codes.ts';

describe('withDeadline', () => {
  it('settles as the work does when it is in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, () => new Error('late'))).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('own')), 1000, () => new Error('late'))).rejects.toThrow('own');
  });

  it('rejects with what onTimeout builds (after looking around) when the work hangs', async () => {
    const hung = new Promise<number>(() => undefined);
    const started = Date.now();
    await expect(withDeadline(hung, 50, async () => new Error('engine stuck'))).rejects.toThrow('engine stuck');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('leaves no unhandled rejection when the work fails after the deadline', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const late = new Promise<number>((_resolve, reject) => setTimeout(() => reject(new Error('too late')), 80));
      await expect(withDeadline(late, 10, () => new Error('deadline'))).rejects.toThrow('deadline');
      await new Promise((resolve) => setTimeout(resolve, 150));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('ContainerStateError', () => {
  it.each([
    ['paused', 'The app-postgres-1 container is paused, so `pg_dump` cannot go on: `docker unpause app-postgres-1`, then run again.'],
    ['missing', 'The app-postgres-1 container was removed while `pg_dump` ran. Start the stack again, then run again.'],
    ['exited', 'The app-postgres-1 container is exited, so `pg_dump` stopped. Read `docker logs app-postgres-1`, start it again, then run again.'],
  ])('%s', (state, message) => {
    const error = new ContainerStateError('app-postgres-1', state, '`pg_dump`');
    expect(error.message).toBe(message);
    expect(error.exitCode).toBe(ExitCode.docker);
  });
});
