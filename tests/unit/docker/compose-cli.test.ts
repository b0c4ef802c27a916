import { describe, expect, it } from 'vitest';
import { ComposeCli, detectCompose } from '../../../src/docker/compose-cli.ts';
import { CommandFailedError } from '../../../src/errors/command-failed-error.ts';
import { DockerUnavailableError } from '../../../src/errors/docker-unavailable-error.ts';
import type { CommandRunner, RunOptions, RunResult } from '../../../src/process/command-runner.ts';

/** Records every call and answers with the first entry whose key starts the command line. */
class FakeRunner implements CommandRunner {
  readonly calls: { file: string; args: readonly string[]; options: RunOptions | undefined }[] = [];
  constructor(private readonly answers: Record<string, Partial<RunResult> | 'throw'>) {}

  async run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    this.calls.push({ file, args, options });
    const line = [file, ...args].join(' ');
    const key = Object.keys(this.answers).find((prefix) => line.startsWith(prefix));
    const answer = key === undefined ? { exitCode: 0 } : this.answers[key]!;
    if (answer === 'throw') throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
    return { command: [file, ...args].join(' '), exitCode: 0, stdout: '', stderr: '', durationMs: 1, ...answer };
  }
}

describe('detectCompose', () => {
  it('prefers Compose v2', async () => {
    expect((await detectCompose(new FakeRunner({}))).version).toBe(2);
  });

  it('falls back to docker-compose v1 when the plugin is missing', async () => {
    const runner = new FakeRunner({ 'docker compose': { exitCode: 1, stderr: "docker: 'compose' is not a docker command." } });
    expect((await detectCompose(runner)).version).toBe(1);
  });

  it('explains how to install compose when neither answers', async () => {
    const runner = new FakeRunner({ 'docker compose': { exitCode: 1 }, 'docker-compose': 'throw' });
    await expect(detectCompose(runner)).rejects.toThrow(DockerUnavailableError);
    await expect(detectCompose(runner)).rejects.toThrow(/apt-get install docker-compose/);
  });
});

describe('ComposeCli', () => {
  const target = { file: '/repo/deployment/docker-compose.dev.yml', project: 'lawfirm-dev', env: { POSTGRES_PASSWORD: 'hunter2' } };

  it('builds v2 and v1 command lines with the file and project, and passes secrets only in the environment', async () => {
    const v2 = new FakeRunner({});
    await new ComposeCli(v2, await detectCompose(v2), target).up(['postgres'], { build: true });
    const up = v2.calls.at(-1)!;
    expect([up.file, ...up.args]).toEqual([
      'docker',
      'compose',
      '--file',
      target.file,
      '--project-name',
      'lawfirm-dev',
      'up',
      '--detach',
      '--build',
      'postgres',
    ]);
    expect(up.options?.env).toEqual({ POSTGRES_PASSWORD: 'hunter2' });
    expect(up.args.join(' ')).not.toContain('hunter2');

    const v1 = new FakeRunner({ 'docker compose': { exitCode: 1 } });
    await new ComposeCli(v1, await detectCompose(v1), target).down({ volumes: true, localImages: true });
    const down = v1.calls.at(-1)!;
    expect([down.file, ...down.args]).toEqual([
      'docker-compose',
      '--file',
      target.file,
      '--project-name',
      'lawfirm-dev',
      'down',
      '--remove-orphans',
      '--volumes',
      '--rmi',
      'local',
    ]);
  });

  it('turns a failed compose command into an error naming the step and its output', async () => {
    const runner = new FakeRunner({ 'docker compose --file': { exitCode: 1, stderr: 'Bind for 127.0.0.1:5433 failed: port is already allocated' } });
    const cli = new ComposeCli(runner, { version: 2, file: 'docker', prefix: ['compose'] }, target);
    const error = await cli.up(['postgres']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect((error as CommandFailedError).message).toMatch(/^Starting postgres failed: `docker compose .* up --detach postgres` exited with code 1/);
    expect((error as CommandFailedError).message).toContain('port is already allocated');
    expect((error as CommandFailedError).message).toMatch(/published ports are free/);
  });
});
