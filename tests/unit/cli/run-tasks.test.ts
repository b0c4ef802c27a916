import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Interruption } from '../../../src/cli/interruption.ts';
import { runTasks } from '../../../src/cli/run-tasks.ts';
import { DbopsError } from '../../../src/errors/dbops-error.ts';
import { ExitCode } from '../../../src/errors/exit-codes.ts';

describe('runTasks with an Interruption', () => {
  const setup = () => {
    const signals = new EventEmitter();
    const warnings: string[] = [];
    const exits: number[] = [];
    const interruption = new Interruption(
      (line) => warnings.push(line),
      (code) => exits.push(code),
    );
    const uninstall = interruption.install(signals as never);
    return { signals, warnings, exits, interruption, uninstall };
  };

  it('lets the running step finish, starts no further step, and fails with the interrupted code', async () => {
    const { signals, warnings, interruption } = setup();
    const ran: string[] = [];
    const error = await runTasks<{ n: number }>(
      [
        { title: 'first', task: () => void ran.push('first') },
        {
          title: 'second',
          task: async () => {
            signals.emit('SIGINT', 'SIGINT');
            await new Promise((resolve) => setTimeout(resolve, 10));
            ran.push('second');
          },
        },
        { title: 'third', task: () => void ran.push('third') },
      ],
      { n: 0 },
      { renderer: 'silent', interruption },
    ).catch((caught: unknown) => caught);
    expect(ran).toEqual(['first', 'second']);
    expect(error).toBeInstanceOf(DbopsError);
    expect((error as DbopsError).exitCode).toBe(ExitCode.interrupted);
    expect((error as DbopsError).message).toBe('Interrupted by SIGINT before the step "third".');
    expect(warnings[0]).toMatch(/SIGINT received: finishing the current step, then undoing/);
  });

  it('exits at once on a second signal', () => {
    const { signals, exits } = setup();
    signals.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([]);
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([ExitCode.interrupted]);
  });

  it('takes a hang-up (a dropped SSH session) as a stop too', () => {
    const { signals, warnings, interruption } = setup();
    signals.emit('SIGHUP', 'SIGHUP');
    expect(interruption.signal).toBe('SIGHUP');
    expect(warnings[0]).toMatch(/SIGHUP received: finishing the current step, then undoing/);
  });

  it('stops listening once uninstalled', () => {
    const { signals, uninstall } = setup();
    uninstall();
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM') + signals.listenerCount('SIGHUP')).toBe(0);
  });

  it('runs every step when nothing interrupts', async () => {
    const { interruption } = setup();
    const ctx = await runTasks<{ n: number }>(
      [
        { title: 'a', task: (c) => void (c.n += 1) },
        { title: 'b', task: (c) => void (c.n += 1) },
      ],
      { n: 0 },
      { renderer: 'silent', interruption },
    );
    expect(ctx.n).toBe(2);
  });
});

describe('runTasks output', () => {
  it('draws progress on the stream it is given (stderr in the CLI), never on stdout', async () => {
    const written: string[] = [];
    const output = { isTTY: false, write: (chunk: string | Uint8Array) => written.push(String(chunk)) > 0 } as unknown as NodeJS.WriteStream;
    const original = process.stdout.write.bind(process.stdout);
    const onStdout: string[] = [];
    process.stdout.write = ((chunk: string | Uint8Array) => onStdout.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await runTasks([{ title: 'Copy rows', task: (_ctx, task) => void (task.title = 'Copied 3 rows') }], {}, { renderer: 'default', output });
    } finally {
      process.stdout.write = original;
    }
    expect(written.join('')).toContain('Copied 3 rows');
    expect(onStdout.join('')).toBe('');
  });
});

describe('runTasks silent', () => {
  it('writes nothing, even where the live renderer would fall back to lines', async () => {
    const written: string[] = [];
    const output = { isTTY: false, write: (chunk: string | Uint8Array) => written.push(String(chunk)) > 0 } as unknown as NodeJS.WriteStream;
    await runTasks([{ title: 'Copy rows', task: () => undefined }], {}, { renderer: 'silent', output });
    expect(written).toEqual([]);
  });
});
