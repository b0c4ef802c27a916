import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { ContainerStateError } from '../../src/errors/container-state-error.ts';
import { dockerForTests } from '../support/docker-for-tests.ts';

const docker = await dockerForTests();

/** A container that stops answering under an exec: the exec ends with the reason, never hangs. */
describe.skipIf(!docker.ready)('an exec whose container stops answering', () => {
  if (!docker.ready) return;
  const started: string[] = [];
  const container = async () => {
    const run = await execa('docker', ['run', '-d', '--rm', '--network', 'none', '--entrypoint', 'sleep', docker.images.postgres, '300']);
    started.push(run.stdout.trim());
    return run.stdout.trim();
  };
  const failure = async (work: Promise<unknown>) => {
    const began = Date.now();
    const error = await work.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    return { error: error as Error, tookMs: Date.now() - began };
  };

  afterAll(async () => {
    for (const id of started) await execa('docker', ['rm', '-f', '-v', id], { reject: false });
  });

  it('paused under a running exec: fails within seconds, naming `docker unpause`', async () => {
    const id = await container();
    const running = docker.runtime.exec(id, ['sleep', '60']);
    setTimeout(() => void execa('docker', ['pause', id]), 500);
    const { error, tookMs } = await failure(running);
    expect(error).toBeInstanceOf(ContainerStateError);
    expect(error.message).toMatch(/container is paused, so `sleep 60` cannot go on: `docker unpause .*`/);
    expect(tookMs).toBeLessThan(10_000);
    await execa('docker', ['unpause', id]);
  });

  it('removed under a running exec: ends within seconds, with an error or the exit code of the killed command', async () => {
    const id = await container();
    const began = Date.now();
    const running = docker.runtime.exec(id, ['sleep', '60']);
    setTimeout(() => void execa('docker', ['rm', '-f', '-v', id]), 500);
    const outcome = await running.then(
      (result) => result.exitCode,
      (error: unknown) => (error as Error).message,
    );
    expect(Date.now() - began).toBeLessThan(10_000);
    if (typeof outcome === 'number') expect(outcome).not.toBe(0);
    else expect(outcome).toMatch(/removed|exited|No such container|not running/i);
  });

  it('a probe that outlives its timeout fails, the container still running', async () => {
    const id = await container();
    const { error, tookMs } = await failure(docker.runtime.exec(id, ['sleep', '60'], { timeoutMs: 1500 }));
    expect(error.message).toMatch(/`sleep 60` in .* did not finish within 2 s although the container runs/);
    expect(tookMs).toBeLessThan(8000);
  });
});
