import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DockerodeRuntime } from '../../src/docker/dockerode-runtime.ts';
import { freePort } from './free-port.ts';
import { runCli } from './run-cli.ts';
import { tempDir } from './temp-dir.ts';

/**
 * An isolated copy of a stack for one test file: a unique compose project name, free ports, its
 * own SQLite directory, and the locally built images, all passed as environment overrides exactly
 * as an operator would.
 */
export async function e2eStack(images: { postgres: string; node: string }) {
  const dir = tempDir('dbops-e2e-');
  const project = `dbops-e2e-${randomBytes(4).toString('hex')}`;
  const [postgresPort, apiPort] = [await freePort(), await freePort()];
  const env = {
    COMPOSE_PROJECT_NAME: project,
    POSTGRES_PORT: String(postgresPort),
    API_PORT: String(apiPort),
    SQLITE_PATH: path.join(dir.path, 'api_sessions.db'),
    POSTGRES_IMAGE: images.postgres,
    NODE_IMAGE: images.node,
  };
  return {
    project,
    env,
    dir,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    cli: (...args: string[]) => runCli(args, env),
    /** Removes everything the stack created, even after a failed test; returns what is left. */
    async destroy(runtime: DockerodeRuntime, environment = 'development') {
      await runCli(['down', '--env', environment, '--volumes', '--yes'], env);
      dir.remove();
      return runtime.projectResources(project);
    },
  };
}
