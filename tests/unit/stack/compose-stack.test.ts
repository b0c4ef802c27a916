import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ComposeCli } from '../../../src/docker/compose-cli.ts';
import type { ContainerRuntime, ContainerSummary, ExecResult } from '../../../src/docker/container-runtime.ts';
import { DockerUnavailableError } from '../../../src/errors/docker-unavailable-error.ts';
import type { CommandRunner, RunOptions, RunResult } from '../../../src/process/command-runner.ts';
import { stackApiControl } from '../../../src/stack/api-control.ts';
import { ComposeStack } from '../../../src/stack/compose-stack.ts';
import { fakeConfig } from '../../support/fake-stack.ts';
import { tempDir } from '../../support/temp-dir.ts';

class RecordingRunner implements CommandRunner {
  readonly calls: { args: string; env: Readonly<Record<string, string>> | undefined }[] = [];
  async run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    this.calls.push({ args: args.filter((arg) => !arg.includes('/')).join(' '), env: options?.env });
    return { command: file, exitCode: 0, stdout: '', stderr: '', durationMs: 1 };
  }
}

/** An engine holding the containers of one compose project, by service. */
class FakeEngine implements Partial<ContainerRuntime> {
  readonly containers: Record<string, ContainerSummary> = {
    postgres: { id: 'pg-id', name: 'fake-postgres-1', state: 'running', health: undefined, publishedPorts: { '5432/tcp': 55432 } },
    api: { id: 'api-id', name: 'fake-api-1', state: 'exited', health: undefined, publishedPorts: { '8000/tcp': 58000 } },
  };
  readonly execs: { id: string; command: readonly string[]; env: readonly string[] | undefined }[] = [];
  async findServiceContainer(project: string, service: string) {
    return project === 'fake' ? this.containers[service] : undefined;
  }
  async exec(id: string, command: readonly string[], options?: { env?: readonly string[] }): Promise<ExecResult> {
    this.execs.push({ id, command, env: options?.env });
    return { exitCode: 0, stdout: '15.8\u001f150008\u001e', stderr: '' };
  }
}

describe('ComposeStack, the StackControl over compose and the engine', () => {
  let dir: { path: string; remove: () => void };
  let engine: FakeEngine;
  let runner: RecordingRunner;
  let stack: ComposeStack;
  const fetched: string[] = [];

  beforeEach(() => {
    dir = tempDir('dbops-compose-stack-');
    mkdirSync(`${dir.path}/data`);
    const config = fakeConfig(dir.path);
    engine = new FakeEngine();
    runner = new RecordingRunner();
    const compose = new ComposeCli(
      runner,
      { version: 2, file: 'docker', prefix: ['compose'] },
      { file: config.composeFile, project: 'fake', env: { POSTGRES_PASSWORD: 'not-printed' } },
    );
    const fetchHealth = (async (url: URL) => {
      fetched.push(String(url));
      return new Response(JSON.stringify({ status: 'ok', backend: 'sqlite', sessions: 7 }), { status: 200 });
    }) as unknown as typeof fetch;
    stack = new ComposeStack({ config, runtime: engine as unknown as ContainerRuntime, compose, fetch: fetchHealth, readiness: { timeoutMs: 100 } });
  });
  afterEach(() => dir.remove());

  it('reaches the database on 127.0.0.1 at the port the container publishes, not the configured one', async () => {
    expect(await stack.hostTarget()).toEqual({ host: '127.0.0.1', port: 55432, user: 'lawfirm', password: 'not-printed', database: 'lawfirm' });
  });

  it("hands the container's PostgreSQL the password through the exec environment only", async () => {
    const pg = await stack.postgres();
    expect(await pg.serverVersion()).toEqual({ text: '15.8', major: 15 });
    expect(engine.execs[0]!.env).toEqual(['PGPASSWORD=not-printed']);
    expect(engine.execs[0]!.command.join(' ')).not.toContain('not-printed');
  });

  it('refuses a PostgreSQL handle on a stopped container, naming it and what to do', async () => {
    engine.containers.postgres = { ...engine.containers.postgres!, state: 'exited' };
    await expect(stack.postgres()).rejects.toThrow(
      new DockerUnavailableError('The postgres container fake-postgres-1 is exited. Start the stack first (dbops up --env development).'),
    );
  });

  it('asks a stopped api nothing, and a running one on its published port', async () => {
    expect(await stack.apiHealth()).toEqual({ ok: false, problem: 'the api container is not running' });
    engine.containers.api = { ...engine.containers.api!, state: 'running' };
    expect(await stack.apiHealth()).toEqual({ ok: true, health: { status: 'ok', backend: 'sqlite', sessions: 7 } });
    expect(fetched.at(-1)).toBe('http://127.0.0.1:58000/health');
  });

  it('restarts the api alone, recreated with the new DATABASE_URL', async () => {
    await stack.restartApi('postgresql://lawfirm@postgres:5432/lawfirm');
    expect(runner.calls.at(-1)!.args).toBe('compose --file --project-name fake up --detach --force-recreate --no-deps api');
    expect(runner.calls.at(-1)!.env).toMatchObject({ DATABASE_URL: 'postgresql://lawfirm@postgres:5432/lawfirm' });
  });

  it('as an ApiControl: stops and starts the api service through compose', async () => {
    const api = stackApiControl(stack);
    expect(await api.isRunning()).toBe(false);
    await api.stop();
    await api.start();
    expect(runner.calls.map((call) => call.args.replace('compose --file --project-name fake ', ''))).toEqual(['stop api', 'up --detach --build api']);
  });
});
