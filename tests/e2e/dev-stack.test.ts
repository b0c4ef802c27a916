import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerForTests } from '../support/docker-for-tests.ts';
import { e2eStack } from '../support/e2e-stack.ts';
import { repoRoot } from '../support/run-cli.ts';

const docker = await dockerForTests();

describe.skipIf(!docker.ready)('the dev stack on a real Docker engine', () => {
  if (!docker.ready) return;
  let stack: Awaited<ReturnType<typeof e2eStack>>;

  beforeAll(async () => {
    stack = await e2eStack(docker.images);
  });

  afterAll(async () => {
    const left = await stack.destroy(docker.runtime);
    expect(left).toEqual({ containers: [], networks: [], volumes: [] });
  });

  it('make dev-images finds the images on this machine and pulls nothing', async () => {
    const result = await execa('npx', ['tsx', 'scripts/dev-images.ts'], {
      cwd: repoRoot,
      env: { ...stack.env, DBOPS_PROJECT_DIR: stack.projectDir },
      reject: false,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`dev-images: ${stack.env.POSTGRES_IMAGE} and ${stack.env.NODE_IMAGE} are on this machine.`);
    expect(result.exitCode).toBe(0);
  });

  it('generates the sample database', async () => {
    const result = await stack.cli('sample', '--out', stack.env.SQLITE_PATH, '--sessions', '321', '--messages-per-session', '4');
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/321 sessions, 1284 messages/);
    expect(result.exitCode).toBe(0);
  });

  it('starts postgres and the api, and the api serves the SQLite data', async () => {
    const up = await stack.cli('up', '--env', 'development');
    expect(up.stderr).toBe('');
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toContain(`api: ${stack.apiUrl} (backend sqlite, 321 sessions)`);

    const health = await fetch(`${stack.apiUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', backend: 'sqlite', sessions: 321 });

    const sessions = (await (await fetch(`${stack.apiUrl}/sessions?limit=5`)).json()) as { sessions: { id: string }[] };
    expect(sessions.sessions).toHaveLength(5);
    const messages = (await (await fetch(`${stack.apiUrl}/sessions/${sessions.sessions[0]!.id}/messages`)).json()) as {
      messages: { content: string }[];
    };
    expect(messages.messages.length).toBeGreaterThan(0);
    expect(messages.messages[0]!.content).toMatch(/[\uac00-\ud7a3]/);
  });

  it('finds postgres by its compose labels and it passes pg_isready inside the container', async () => {
    const container = await docker.runtime.findServiceContainer(stack.project, 'postgres');
    expect(container?.state).toBe('running');
    const probe = await docker.runtime.exec(container!.id, ['pg_isready', '-h', '127.0.0.1', '-U', 'lawfirm', '-d', 'lawfirm']);
    expect(probe.exitCode).toBe(0);
    expect(probe.stdout).toMatch(/accepting connections/);
    expect(container!.publishedPorts['5432/tcp']).toBe(Number(stack.env.POSTGRES_PORT));
  });

  it('a second up changes nothing and reports the same data', async () => {
    const again = await stack.cli('up', '--env', 'development');
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('backend sqlite, 321 sessions');
  });

  it('removes containers, network and volume on down --volumes', async () => {
    const down = await stack.cli('down', '--env', 'development', '--volumes');
    expect(down.exitCode).toBe(0);
    expect(await docker.runtime.projectResources(stack.project)).toEqual({ containers: [], networks: [], volumes: [] });
  });
});
